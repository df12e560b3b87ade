using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using HaloBestie.Application.Common;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace HaloBestie.Infrastructure.Identity;

public static class FirebasePolicies
{
    /// <summary>Any verified Firebase ID token of the project; who the caller is to us is decided by each use case.</summary>
    public const string Firebase = "firebase";
}

/// <summary>
/// Firebase ID tokens verified as Google documents them, without the Admin SDK (ADR 0006): RS256
/// against Google's securetoken keys (cached as long as their Cache-Control allows), issuer
/// https://securetoken.google.com/&lt;project&gt;, audience &lt;project&gt;, exp/iat/auth_time with
/// 30 s skew, non-empty sub. With FIREBASE_AUTH_EMULATOR_HOST set, emulator tokens are accepted
/// without any signature check — only in Development and Test: anywhere else the host refuses to start.
/// </summary>
public static class FirebaseAuthentication
{
    public const string EmulatorVariable = "FIREBASE_AUTH_EMULATOR_HOST";
    public const string DefaultKeysUrl = "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com";
    public const string SignInProviderClaim = "sign_in_provider";
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddFirebaseAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var projectId = configuration["Firebase:ProjectId"];
        if (string.IsNullOrWhiteSpace(projectId))
            throw new StartupRefusedException("Firebase:ProjectId must be set (environment variable Firebase__ProjectId).");
        var emulator = !string.IsNullOrWhiteSpace(configuration[EmulatorVariable]);
        if (emulator && !environment.IsDevelopment() && !environment.IsEnvironment("Test"))
            throw new StartupRefusedException(
                $"{EmulatorVariable} is set in the {environment.EnvironmentName} environment: tokens would be accepted without a signature. Unset it (it is for Development and Test only).");

        var keysUrl = new Uri(configuration["Firebase:KeysUrl"] ?? DefaultKeysUrl);
        services.AddHttpClient(nameof(FirebaseSigningKeys), c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton(sp => new FirebaseSigningKeys(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(FirebaseSigningKeys)), keysUrl, sp.GetRequiredService<TimeProvider>()));

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.RefreshOnIssuerKeyNotFound = true;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = "https://securetoken.google.com/" + projectId,
                ValidAudience = projectId,
                ValidAlgorithms = emulator ? null : [SecurityAlgorithms.RsaSha256],
                RequireSignedTokens = !emulator,
                ValidateIssuerSigningKey = !emulator,
                RequireExpirationTime = true,
                ClockSkew = Skew,
                NameClaimType = JwtRegisteredClaimNames.Sub,
            };
            if (emulator)
                o.TokenValidationParameters.SignatureValidator = (token, _) => new JsonWebToken(token);
            o.Events = new JwtBearerEvents { OnTokenValidated = CheckFirebaseClaims };
        });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<FirebaseSigningKeys>((o, keys) => { if (!emulator) o.ConfigurationManager = keys; });
        services.AddAuthorizationBuilder()
            .AddPolicy(FirebasePolicies.Firebase, p => p.RequireAuthenticatedUser().RequireClaim(SignInProviderClaim));
        return services.WithoutDataProtectionAtStart();
    }

    // What JwtBearer does not check by itself: sub, iat and auth_time in the past; the provider claim flattened.
    private static Task CheckFirebaseClaims(TokenValidatedContext context)
    {
        if (context.SecurityToken is not JsonWebToken token)
        {
            context.Fail("Not a JWT.");
            return Task.CompletedTask;
        }

        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var sub = token.Subject;
        if (string.IsNullOrEmpty(sub) || sub.Length > 128)
        {
            context.Fail("sub must be a non-empty string of at most 128 characters.");
            return Task.CompletedTask;
        }
        if (token.IssuedAt == DateTime.MinValue || token.IssuedAt > now.UtcDateTime + Skew)
        {
            context.Fail("iat must be in the past.");
            return Task.CompletedTask;
        }
        if (!token.TryGetPayloadValue<long>("auth_time", out var authTime) || DateTimeOffset.FromUnixTimeSeconds(authTime) > now + Skew)
        {
            context.Fail("auth_time must be in the past.");
            return Task.CompletedTask;
        }

        var provider = token.TryGetPayloadValue<JsonElement>("firebase", out var firebase)
            && firebase.ValueKind == JsonValueKind.Object
            && firebase.TryGetProperty(SignInProviderClaim, out var p) && p.ValueKind == JsonValueKind.String
                ? p.GetString()
                : null;
        if (string.IsNullOrEmpty(provider))
        {
            context.Fail("firebase.sign_in_provider is missing.");
            return Task.CompletedTask;
        }

        var identity = (ClaimsIdentity)context.Principal!.Identity!;
        identity.AddClaim(new Claim(SignInProviderClaim, provider));
        return Task.CompletedTask;
    }
}

/// <summary>
/// Google's signing keys for Firebase ID tokens, held until their Cache-Control max-age runs
/// out. An unknown key id triggers at most one refetch a minute; when Google cannot be reached
/// the last keys stay in use.
/// </summary>
public sealed class FirebaseSigningKeys(HttpClient http, Uri keysUrl, TimeProvider clock) : IConfigurationManager<OpenIdConnectConfiguration>, IDisposable
{
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);
    private readonly SemaphoreSlim _fetch = new(1, 1);
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _expiresAt = DateTimeOffset.MinValue;
    private DateTimeOffset _lastFetch = DateTimeOffset.MinValue;

    /// <summary>How many times the keys were fetched (for tests and diagnostics).</summary>
    public int Fetches { get; private set; }

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (_current is { } current && clock.GetUtcNow() < _expiresAt)
            return current;

        await _fetch.WaitAsync(cancel);
        try
        {
            if (_current is { } fresh && clock.GetUtcNow() < _expiresAt)
                return fresh;
            try
            {
                return await FetchAsync(cancel);
            }
            catch (Exception e) when (_current is not null && e is HttpRequestException or TaskCanceledException or JsonException or ArgumentException)
            {
                _expiresAt = clock.GetUtcNow() + MinRefreshInterval;
                return _current;
            }
        }
        finally
        {
            _fetch.Release();
        }
    }

    public void Dispose() => _fetch.Dispose();

    public void RequestRefresh()
    {
        if (clock.GetUtcNow() - _lastFetch >= MinRefreshInterval)
            _expiresAt = DateTimeOffset.MinValue;
    }

    private async Task<OpenIdConnectConfiguration> FetchAsync(CancellationToken cancel)
    {
        using var response = await http.GetAsync(keysUrl, cancel);
        response.EnsureSuccessStatusCode();
        var keys = new JsonWebKeySet(await response.Content.ReadAsStringAsync(cancel));
        var configuration = new OpenIdConnectConfiguration();
        foreach (var key in keys.GetSigningKeys())
            configuration.SigningKeys.Add(key);

        var now = clock.GetUtcNow();
        Fetches++;
        _lastFetch = now;
        _expiresAt = now + (MaxAge(response.Headers.CacheControl) ?? DefaultLifetime);
        _current = configuration;
        return configuration;
    }

    private static TimeSpan? MaxAge(CacheControlHeaderValue? cacheControl) =>
        cacheControl is { NoStore: false, NoCache: false, MaxAge: { } age } ? age : cacheControl is null ? null : TimeSpan.Zero;
}

internal sealed class FirebaseCaller(IHttpContextAccessor accessor) : IFirebaseCaller
{
    private ClaimsPrincipal User => accessor.HttpContext?.User is { Identity.IsAuthenticated: true } user
        ? user
        : throw new InvalidOperationException("This use case needs a verified Firebase token; map its endpoint with RequireAuthorization.");

    public string Uid => User.FindFirstValue(JwtRegisteredClaimNames.Sub)!;

    public string SignInProvider => User.FindFirstValue(FirebaseAuthentication.SignInProviderClaim)!;

    public string? Email => User.FindFirstValue(JwtRegisteredClaimNames.Email);

    public string? PhoneNumber => User.FindFirstValue("phone_number");

    public DateTimeOffset? AuthTime => long.TryParse(User.FindFirstValue("auth_time"), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}
