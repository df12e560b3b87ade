using System.Text.Json;

namespace HaloBestie.IntegrationTests.Infrastructure;

/// <summary>Reads the RFC 9457 answer out of a generated client's exception.</summary>
public static class Problems
{
    public const string TypeBase = "https://halobestie.app/problems/";

    public static async Task<Problem> ProblemOf(Func<Task> call)
    {
        // Each generated client (internal, public) has its own ApiException; read them alike.
        var e = await Assert.ThrowsAnyAsync<Exception>(call);
        var type = e.GetType();
        if (!type.Name.StartsWith("ApiException", StringComparison.Ordinal))
            throw new InvalidOperationException("Expected a problem answer, got " + e, e);
        var status = (int)type.GetProperty("StatusCode")!.GetValue(e)!;
        // Declared problem answers arrive deserialized (ApiException<ProblemDetails>); others as text.
        var result = type.GetProperty("Result")?.GetValue(e);
        var body = result is null ? (string?)type.GetProperty("Response")!.GetValue(e) : JsonSerializer.Serialize(result, result.GetType());
        return Parse(status, body);
    }

    public static Problem Parse(int status, string? body)
    {
        using var json = JsonDocument.Parse(string.IsNullOrEmpty(body) ? "{}" : body);
        var root = json.RootElement;
        var type = root.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        var errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object
            ? e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(x => x.GetString() ?? "").ToArray())
            : new Dictionary<string, string[]>();
        var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        var extensions = root.ValueKind != JsonValueKind.Object ? new Dictionary<string, string>()
            : root.EnumerateObject().Where(p => p.Name is not ("type" or "title" or "status" or "detail" or "errors" or "instance"))
                .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
        return new Problem(status, type.StartsWith(TypeBase, StringComparison.Ordinal) ? type[TypeBase.Length..] : type, errors, detail, extensions);
    }
}

/// <param name="Extensions">The other members of the answer (<c>requestId</c>, say), string values as they are, others as JSON.</param>
public sealed record Problem(int Status, string Name, IReadOnlyDictionary<string, string[]> Errors, string? Detail = null, IReadOnlyDictionary<string, string>? Extensions = null);
