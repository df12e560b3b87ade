using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Configuration;

namespace HaloBestie.Infrastructure.Push;

/// <summary>
/// FCM HTTP v1 settings (API.md: <c>Push__Fcm__ServiceAccountFile</c> or
/// <c>GOOGLE_APPLICATION_CREDENTIALS</c>, <c>Push__Fcm__BaseUrl</c>). Without a service-account
/// file push is off; a file that is named but missing, unreadable or not a service account refuses
/// the start (<see cref="StartupRefusedException"/>). The key itself is never logged nor put in a
/// message.
/// </summary>
public sealed record FcmOptions(string? ServiceAccountJson, string? ProjectId, string? SourcePath, Uri BaseUrl)
{
    public const string ServiceAccountFileKey = "Push:Fcm:ServiceAccountFile";
    public const string BaseUrlKey = "Push:Fcm:BaseUrl";
    public const string GoogleCredentialsVariable = "GOOGLE_APPLICATION_CREDENTIALS";

    public bool IsConfigured => ServiceAccountJson is not null;

    public static FcmOptions From(IConfiguration configuration)
    {
        var baseUrl = configuration[BaseUrlKey] is { Length: > 0 } configured ? configured : "https://fcm.googleapis.com";
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            throw new StartupRefusedException($"{BaseUrlKey.Replace(":", "__", StringComparison.Ordinal)} is not an http(s) URL.");
        var path = configuration[ServiceAccountFileKey] is { Length: > 0 } file ? file : configuration[GoogleCredentialsVariable];
        if (string.IsNullOrWhiteSpace(path))
            return new FcmOptions(null, null, null, baseUri);

        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new StartupRefusedException($"The FCM service-account file '{path}' cannot be read ({e.GetType().Name}). Fix Push__Fcm__ServiceAccountFile, or unset it to run without push.");
        }
        var project = ProjectIdOf(json, path);
        try
        {
            _ = CredentialFactory.FromJson<ServiceAccountCredential>(json); // reads the key now, not at the first push
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new StartupRefusedException($"The FCM service-account file '{path}' has a private_key that cannot be read ({e.GetType().Name}).");
        }
        return new FcmOptions(json, project, path, baseUri);
    }

    /// <summary>The <c>project_id</c> of a service-account JSON; refuses anything that is not one (without quoting it).</summary>
    private static string ProjectIdOf(string json, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && Text(root, "type") == "service_account"
                && Text(root, "project_id") is { Length: > 0 } project
                && Text(root, "client_email") is { Length: > 0 }
                && Text(root, "private_key") is { Length: > 0 })
                return project;
        }
        catch (JsonException)
        {
            // Refused below, without the parser's message (it may quote the file).
        }
        throw new StartupRefusedException($"The FCM service-account file '{path}' is not a Google service-account JSON (type service_account with project_id, client_email and private_key).");
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
