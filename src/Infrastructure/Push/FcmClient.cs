using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Apis.Auth.OAuth2;
using HaloBestie.Domain.Devices;

namespace HaloBestie.Infrastructure.Push;

/// <summary>One queued push as the worker sends it to one installation.</summary>
public sealed record PushItem(
    Guid Id,
    string InstallationId,
    string OwnerKind,
    Guid OwnerId,
    string Event,
    string DataJson,
    string? Title,
    string? Body,
    bool HighPriority,
    string CollapseKey,
    DateTimeOffset ExpiresAt,
    bool SkipWhileStreaming,
    int Attempts,
    string? FcmToken,
    string? Platform);

public enum FcmResult
{
    /// <summary>FCM took it (2xx).</summary>
    Sent,

    /// <summary>Try again later: 429, 5xx, a timeout, no connection, or an access token FCM refused.</summary>
    Retry,

    /// <summary>The token is dead (<c>UNREGISTERED</c>, <c>SENDER_ID_MISMATCH</c>, 404): the installation is removed.</summary>
    Unregistered,

    /// <summary>FCM refused the message itself (<c>INVALID_ARGUMENT</c>, other 4xx): dropped with a log line; retrying cannot help.</summary>
    Rejected,
}

/// <summary>FCM's answer: the result, FCM's error code (for the metrics and the log), and how long it asked us to wait.</summary>
public sealed record FcmAnswer(FcmResult Result, string Code, TimeSpan? RetryAfter);

/// <summary>
/// FCM HTTP v1 (<c>POST {BaseUrl}/v1/projects/{project}/messages:send</c>) through a typed
/// HttpClient, with OAuth2 access tokens of the service account from Google.Apis.Auth: it signs
/// its assertion with the account's key, fetches the token from the JSON's <c>token_uri</c> and
/// keeps it until shortly before it expires (the library's own cache). Messages are shaped as the
/// v1 API defines them (docs/push.md shows one of each).
/// </summary>
public sealed class FcmClient(HttpClient http, FcmOptions options, TimeProvider clock)
{
    public const string Scope = "https://www.googleapis.com/auth/firebase.messaging";

    private readonly ITokenAccess _tokens = CredentialFactory.FromJson<ServiceAccountCredential>(options.ServiceAccountJson!)
        .ToGoogleCredential().CreateScoped(Scope);

    private readonly Uri _send = new(options.BaseUrl, $"v1/projects/{Uri.EscapeDataString(options.ProjectId!)}/messages:send");

    public async Task<FcmAnswer> SendAsync(PushItem item, CancellationToken ct)
    {
        string accessToken;
        try
        {
            accessToken = await _tokens.GetAccessTokenForRequestAsync(cancellationToken: ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new FcmAnswer(FcmResult.Retry, "token-unavailable", null);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _send)
        {
            Content = new StringContent(MessageOf(item, clock.GetUtcNow()).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (response.IsSuccessStatusCode)
                return new FcmAnswer(FcmResult.Sent, "ok", null);
            var code = await ErrorCodeAsync(response, ct);
            var retryAfter = RetryAfterOf(response);
            return (response.StatusCode, code) switch
            {
                (_, "UNREGISTERED" or "SENDER_ID_MISMATCH") or (HttpStatusCode.NotFound, _) => new FcmAnswer(FcmResult.Unregistered, code, null),
                (HttpStatusCode.TooManyRequests, _) or (>= HttpStatusCode.InternalServerError, _) => new FcmAnswer(FcmResult.Retry, code, retryAfter),
                // A refused access token (rotated key, clock skew): the next attempt fetches a new one.
                (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, _) or (_, "THIRD_PARTY_AUTH_ERROR") => new FcmAnswer(FcmResult.Retry, code, retryAfter),
                _ => new FcmAnswer(FcmResult.Rejected, code, null),
            };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new FcmAnswer(FcmResult.Retry, e is TaskCanceledException ? "timeout" : "unreachable", null);
        }
    }

    /// <summary>
    /// The v1 message for one installation. Android: priority, <c>ttl</c> = the time left until the
    /// push stops mattering, <c>collapse_key</c>; iOS: <c>apns-expiration</c> (that moment),
    /// <c>apns-collapse-id</c>, and for a data-only push a background push (priority 5,
    /// content-available) as Apple requires.
    /// </summary>
    public static JsonObject MessageOf(PushItem item, DateTimeOffset now)
    {
        // Whole seconds left, never more than are left (a millisecond's slack for the store's microseconds).
        var ttl = Math.Max(0, (long)Math.Floor((item.ExpiresAt - now).TotalSeconds + 0.001));
        var data = JsonNode.Parse(item.DataJson)!.AsObject();
        var hasNotice = item.Title is not null;
        var android = new JsonObject
        {
            ["priority"] = item.HighPriority ? "HIGH" : "NORMAL",
            ["ttl"] = ttl.ToString(CultureInfo.InvariantCulture) + "s",
            ["collapse_key"] = item.CollapseKey,
        };
        if (hasNotice)
            android["notification"] = new JsonObject { ["channel_id"] = ChannelOf(item), ["tag"] = item.CollapseKey };
        var apnsHeaders = new JsonObject
        {
            ["apns-priority"] = hasNotice && item.HighPriority ? "10" : "5",
            ["apns-push-type"] = hasNotice ? "alert" : "background",
            ["apns-expiration"] = item.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["apns-collapse-id"] = item.CollapseKey,
        };
        var aps = hasNotice ? new JsonObject { ["sound"] = "default", ["thread-id"] = item.CollapseKey } : new JsonObject { ["content-available"] = 1 };
        var message = new JsonObject
        {
            ["token"] = item.FcmToken,
            ["data"] = data,
            ["android"] = android,
            ["apns"] = new JsonObject { ["headers"] = apnsHeaders, ["payload"] = new JsonObject { ["aps"] = aps } },
        };
        if (hasNotice)
            message["notification"] = new JsonObject { ["title"] = item.Title, ["body"] = item.Body };
        return new JsonObject { ["message"] = message };
    }

    /// <summary>The Android notification channel the apps create (docs/push.md): offers ring apart from the rest.</summary>
    private static string ChannelOf(PushItem item) => item.OwnerKind == DeviceOwners.Mitra ? "offers" : "sessions";

    private static async Task<string> ErrorCodeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var fallback = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        try
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (!body.RootElement.TryGetProperty("error", out var error))
                return fallback;
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (var detail in details.EnumerateArray())
                {
                    if (detail.TryGetProperty("errorCode", out var code) && code.ValueKind == JsonValueKind.String)
                        return code.GetString()!;
                }
            }
            return error.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String ? status.GetString()! : fallback;
        }
        catch (JsonException)
        {
            return fallback;
        }
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
            _ => null,
        };
}
