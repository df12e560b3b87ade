using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HaloBestie.Infrastructure.Web;

/// <summary>
/// PostgreSQL cannot hold U+0000 in <c>text</c> or <c>jsonb</c>. A NUL is refused where it enters,
/// before any statement runs, with 400 <c>validation</c> and code <c>nul-character</c>: in a JSON
/// string of a body as that field's error, in a query string for the request as a whole. No
/// transaction fails on bad input (ADR 0031). PostgreSQL's own refusal stays mapped to the
/// whole-request answer as the backstop (a webhook's raw body, a dictionary key).
/// </summary>
public sealed class NulCharacterException() : JsonException("The request contains a character that cannot be stored (U+0000).");

/// <summary>Reads JSON strings as System.Text.Json does, and refuses one holding U+0000 (it can only arrive escaped, <c>\u0000</c>).</summary>
public sealed class NulRefusingStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        return reader.ValueIsEscaped && value is not null && value.Contains('\0', StringComparison.Ordinal)
            ? throw new NulCharacterException()
            : value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

public static class NulCharacters
{
    /// <summary>
    /// Refuses a request whose query string carries an encoded NUL (<c>%00</c>) when its route reads
    /// input it validates (its contract has 400 <c>validation</c>, ADR 0021); a route that reads no
    /// query ignores it. Kestrel already refuses a NUL in the path.
    /// </summary>
    public static Task RefuseInQueryString(HttpContext context, RequestDelegate next) =>
        context.Request.QueryString.HasValue && context.Request.QueryString.Value!.Contains("%00", StringComparison.Ordinal)
            && context.GetEndpoint() is RouteEndpoint route && ProblemContract.Of(route.Metadata).Contains(Domain.ProblemNames.Validation)
            ? throw new NulCharacterException()
            : next(context);
}
