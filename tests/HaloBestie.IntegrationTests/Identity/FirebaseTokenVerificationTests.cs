using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.Tokens;

namespace HaloBestie.IntegrationTests.Identity;

/// <summary>
/// The production path: RS256 tokens checked against keys served by a local stand-in for
/// Google's key endpoint (a real HTTP server on loopback), emulator mode off.
/// </summary>
public sealed class FirebaseTokenVerificationTests(HostsFixture hosts) : IClassFixture<HostsFixture>, IAsyncLifetime
{
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RSA _otherRsa = RSA.Create(2048);
    private RsaSecurityKey _key = null!;
    private WebApplication _keyServer = null!;
    private WebApplicationFactory<Api.Public.Program> _host = null!;
    private int _keyRequests;

    public async Task InitializeAsync()
    {
        _key = new RsaSecurityKey(_rsa) { KeyId = "key-1" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_rsa.ExportParameters(false)) { KeyId = "key-1" });
        var jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", alg = "RS256", use = "sig", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });

        var builder = FakeFcm.EmbeddedHostLifetime.CreateBuilder();
        _keyServer = builder.Build();
        _keyServer.MapGet("/keys", (HttpContext context) =>
        {
            Interlocked.Increment(ref _keyRequests);
            context.Response.Headers.CacheControl = "public, max-age=3600, must-revalidate, no-transform";
            return Results.Content(jwks, "application/json");
        });
        await _keyServer.StartAsync();

        _host = hosts.Public.WithWebHostBuilder(b => b
            .UseSetting("FIREBASE_AUTH_EMULATOR_HOST", "")
            .UseSetting("Firebase:KeysUrl", _keyServer.Urls.First() + "/keys"));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _keyServer.DisposeAsync();
        _rsa.Dispose();
        _otherRsa.Dispose();
    }

    private async Task<HttpStatusCode> SignInWith(string token)
    {
        using var http = _host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.PostAsync("/api/client/auth/session", null);
        return response.StatusCode;
    }

    private static Dictionary<string, object> Valid() => FirebaseTokens.Claims("uid-" + Guid.NewGuid().ToString("N"), "google.com");

    [Fact]
    public async Task SignIn_when_the_token_is_signed_with_a_published_key_accepts_it_and_fetches_keys_once()
    {
        for (var i = 0; i < 5; i++)
            (await SignInWith(FirebaseTokens.SignedWith(Valid(), _key))).Should().Be(HttpStatusCode.OK);

        _keyRequests.Should().Be(1, "the keys are cached as long as Cache-Control allows");
    }

    public static TheoryData<string> Refusals =>
    [
        "expired", "issued-in-the-future", "auth-time-in-the-future", "wrong-issuer", "wrong-audience", "empty-subject",
        "tampered-signature", "alg-none", "unknown-key-id", "other-key-same-id",
    ];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task SignIn_when_the_token_is_bad_returns_401(string how)
    {
        var claims = Valid();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string token;
        switch (how)
        {
            case "expired":
                claims["iat"] = claims["auth_time"] = now - 7200;
                claims["exp"] = now - 3600;
                token = FirebaseTokens.SignedWith(claims, _key);
                break;
            case "issued-in-the-future":
                claims["iat"] = now + 600;
                token = FirebaseTokens.SignedWith(claims, _key);
                break;
            case "auth-time-in-the-future":
                claims["auth_time"] = now + 600;
                token = FirebaseTokens.SignedWith(claims, _key);
                break;
            case "wrong-issuer":
                claims["iss"] = "https://securetoken.google.com/another-project";
                token = FirebaseTokens.SignedWith(claims, _key);
                break;
            case "wrong-audience":
                claims["aud"] = "another-project";
                token = FirebaseTokens.SignedWith(claims, _key);
                break;
            case "empty-subject":
                claims["sub"] = "";
                token = FirebaseTokens.SignedWith(claims, _key);
                break;
            case "tampered-signature":
                var parts = FirebaseTokens.SignedWith(claims, _key).Split('.');
                claims["sub"] = "someone-else";
                var forgedPayload = FirebaseTokens.WithoutSignature(claims).Split('.')[1];
                token = $"{parts[0]}.{forgedPayload}.{parts[2]}";
                break;
            case "alg-none":
                token = FirebaseTokens.WithoutSignature(claims);
                break;
            case "unknown-key-id":
                token = FirebaseTokens.SignedWith(claims, new RsaSecurityKey(_otherRsa) { KeyId = "key-unknown" });
                break;
            case "other-key-same-id":
                token = FirebaseTokens.SignedWith(claims, new RsaSecurityKey(_otherRsa) { KeyId = "key-1" });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(how));
        }

        (await SignInWith(token)).Should().Be(HttpStatusCode.Unauthorized);
    }
}
