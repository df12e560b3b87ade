using System.Security.Cryptography;
using System.Text.Json;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace HaloBestie.Benchmarks.Harness;

/// <summary>
/// A local stand-in for Google's securetoken key endpoint, and the issuer of RS256 Firebase ID
/// tokens signed with its key: the hosts run in Production mode and verify every token for real.
/// </summary>
public sealed class KeyServer : IAsyncDisposable
{
    public const string ProjectId = FirebaseTokens.ProjectId;
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private readonly WebApplication _app;

    private KeyServer(WebApplication app)
    {
        _app = app;
        _key = new RsaSecurityKey(_rsa) { KeyId = "bench-key" };
    }

    public string KeysUrl => _app.Urls.First() + "/keys";

    public static async Task<KeyServer> StartAsync()
    {
        // The driver keeps its Ctrl-C and SIGTERM (scripts/lib/driver.sh stops it with TERM).
        var builder = FakeFcm.EmbeddedHostLifetime.CreateBuilder();
        builder.Logging.ClearProviders();
        var server = new KeyServer(builder.Build());
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(server._rsa.ExportParameters(false)) { KeyId = "bench-key" });
        var jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", alg = "RS256", use = "sig", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
        server._app.MapGet("/keys", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Content(jwks, "application/json");
        });
        await server._app.StartAsync();
        return server;
    }

    /// <summary>A Firebase ID token valid for an hour, as Google issues them, signed with this server's key.</summary>
    public string Token(string uid, string provider, string? phone = null, string? email = null) =>
        FirebaseTokens.SignedWith(FirebaseTokens.Claims(uid, provider, phone, email), _key);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _rsa.Dispose();
    }
}
