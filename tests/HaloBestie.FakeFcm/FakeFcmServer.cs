using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HaloBestie.FakeFcm;

/// <summary>One <c>messages:send</c> the fake received: when, the device token, the whole v1 message.</summary>
public sealed record ReceivedPush(DateTimeOffset At, string Token, JsonElement Message)
{
    public string Event => Message.GetProperty("data").GetProperty("event").GetString()!;

    public string? Data(string key) => Message.GetProperty("data").TryGetProperty(key, out var v) ? v.GetString() : null;
}

/// <summary>What the fake answers to one send: a status, an FCM error code, a Retry-After in seconds.</summary>
public sealed record FakeAnswer(int Status, string? ErrorCode = null, int? RetryAfterSeconds = null)
{
    public static readonly FakeAnswer Ok = new(200);
}

/// <summary>
/// A real HTTP server on loopback that answers as Google's token endpoint (the JWT-bearer grant a
/// service account uses; the assertion's signature is checked against the key it handed out) and
/// as FCM HTTP v1's <c>messages:send</c> (the bearer token must be one it issued). Device tokens
/// starting with <c>unregistered-</c> answer 404 <c>UNREGISTERED</c>, as FCM does for an app that
/// was removed; <see cref="Answer"/> lets a test script anything else (429 with Retry-After, 503…).
/// </summary>
public sealed class FakeFcmServer : IAsyncDisposable
{
    public const string ProjectId = "halobestie-fake";
    public const string ClientEmail = "push@halobestie-fake.iam.gserviceaccount.com";

    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, bool> _issued = new();
    private long _messageNumber;
    private int _tokenRequests;

    private FakeFcmServer(WebApplication app) => _app = app;

    public string Url => _app.Urls.First();

    /// <summary>Every send accepted or refused, in arrival order.</summary>
    public ConcurrentQueue<ReceivedPush> Received { get; } = new();

    /// <summary>Sends answered 2xx.</summary>
    public IEnumerable<ReceivedPush> Delivered => Received.Where(r => _delivered.ContainsKey(r));

    private readonly ConcurrentDictionary<ReceivedPush, bool> _delivered = new();

    /// <summary>How many sends were answered 2xx so far (cheap to poll; <see cref="Delivered"/> walks every send received).</summary>
    public long DeliveredCount => Interlocked.Read(ref _messageNumber);

    /// <summary>How many access tokens were issued.</summary>
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary>Decides the answer to each send (null: the default — 200, or 404 for <c>unregistered-</c> tokens).</summary>
    public Func<ReceivedPush, FakeAnswer?>? Answer { get; set; }

    /// <summary>Time each send takes before it is answered.</summary>
    public TimeSpan Delay { get; set; }

    /// <param name="standalone">
    /// The fake is its own process (<c>Program</c>): it logs its lifetime and stops on Ctrl-C or
    /// SIGTERM. Otherwise it is part of the caller's process, which keeps its signals
    /// (<see cref="EmbeddedHostLifetime"/>).
    /// </param>
    public static async Task<FakeFcmServer> StartAsync(string url = "http://127.0.0.1:0", bool standalone = false)
    {
        WebApplicationBuilder builder;
        if (standalone)
        {
            builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(url);
            builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        }
        else
        {
            builder = EmbeddedHostLifetime.CreateBuilder(url);
        }
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var fake = new FakeFcmServer(app);
        app.MapPost("/token", (Func<HttpContext, Task<IResult>>)fake.TokenAsync);
        app.MapPost("/v1/projects/{project}/messages:send", (Func<HttpContext, string, Task<IResult>>)fake.SendAsync);
        app.MapGet("/received", () => Results.Json(fake.Received.Select(r => new { r.At, r.Token, message = r.Message })));
        await app.StartAsync();
        return fake;
    }

    /// <summary>A service-account JSON whose key is this fake's and whose <c>token_uri</c> points at it.</summary>
    public string ServiceAccountJson() => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["type"] = "service_account",
        ["project_id"] = ProjectId,
        ["private_key_id"] = "fake-key-1",
        ["private_key"] = _key.ExportPkcs8PrivateKeyPem(),
        ["client_email"] = ClientEmail,
        ["client_id"] = "100000000000000000001",
        ["token_uri"] = Url + "/token",
    });

    /// <summary>Writes <see cref="ServiceAccountJson"/> to <paramref name="path"/>.</summary>
    public string WriteServiceAccount(string path)
    {
        File.WriteAllText(path, ServiceAccountJson());
        return path;
    }

    public void Clear()
    {
        Received.Clear();
        _delivered.Clear();
    }

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || !ValidAssertion(form["assertion"].ToString()))
            return Results.Json(new { error = "invalid_grant", error_description = "Invalid JWT Signature." }, statusCode: 400);
        Interlocked.Increment(ref _tokenRequests);
        var token = "fake-access-" + Guid.NewGuid().ToString("N");
        _issued[token] = true;
        return Results.Json(new { access_token = token, expires_in = 3599, token_type = "Bearer" });
    }

    private bool ValidAssertion(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
            return false;
        try
        {
            var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            if (!_key.VerifyData(signed, Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                return false;
            using var claims = JsonDocument.Parse(Base64Url(parts[1]));
            var root = claims.RootElement;
            return root.GetProperty("iss").GetString() == ClientEmail
                // Google's library names Google's token endpoint as the audience whatever token_uri says.
                && (root.GetProperty("aud").GetString() == "https://oauth2.googleapis.com/token" || root.GetProperty("aud").GetString() == Url + "/token")
                && root.GetProperty("scope").GetString()!.Split(' ').Contains("https://www.googleapis.com/auth/firebase.messaging");
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or CryptographicException)
        {
            return false;
        }
    }

    private async Task<IResult> SendAsync(HttpContext context, string project)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !_issued.ContainsKey(authorization["Bearer ".Length..]))
            return Error(401, "UNAUTHENTICATED", null);
        if (project != ProjectId)
            return Error(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH");
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        if (!body.RootElement.TryGetProperty("message", out var message) || !message.TryGetProperty("token", out var token))
            return Error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT");
        var received = new ReceivedPush(DateTimeOffset.UtcNow, token.GetString()!, message.Clone());
        Received.Enqueue(received);
        if (Delay > TimeSpan.Zero)
            await Task.Delay(Delay);
        var answer = Answer?.Invoke(received)
            ?? (received.Token.StartsWith("unregistered-", StringComparison.Ordinal) ? new FakeAnswer(404, "UNREGISTERED") : FakeAnswer.Ok);
        if (answer.Status is >= 200 and < 300)
        {
            _delivered[received] = true;
            return Results.Json(new { name = $"projects/{ProjectId}/messages/{Interlocked.Increment(ref _messageNumber)}" });
        }
        if (answer.RetryAfterSeconds is { } seconds)
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Error(answer.Status, StatusOf(answer.Status), answer.ErrorCode);
    }

    private static string StatusOf(int status) => status switch
    {
        400 => "INVALID_ARGUMENT",
        404 => "NOT_FOUND",
        429 => "RESOURCE_EXHAUSTED",
        503 => "UNAVAILABLE",
        _ => "INTERNAL",
    };

    private static IResult Error(int status, string grpcStatus, string? errorCode) =>
        Results.Json(new
        {
            error = new
            {
                code = status,
                message = "fake FCM: " + (errorCode ?? grpcStatus),
                status = grpcStatus,
                details = errorCode is null
                    ? Array.Empty<object>()
                    : [new Dictionary<string, string> { ["@type"] = "type.googleapis.com/google.firebase.fcm.v1.FcmError", ["errorCode"] = errorCode }],
            },
        }, statusCode: status);

    private static byte[] Base64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    /// <summary>Until the process is asked to stop (Ctrl-C, SIGTERM).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
