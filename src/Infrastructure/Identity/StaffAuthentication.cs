using System.Security.Claims;
using System.Text;
using HaloBestie.Application.Common;
using HaloBestie.Application.Staff;
using HaloBestie.Domain.Staff;
using Marten;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HaloBestie.Infrastructure.Identity;

public static class StaffPolicies
{
    /// <summary>Any active staff member: operators and admins.</summary>
    public const string Operator = "operator";

    /// <summary>Admins only: staff accounts, settings, packages.</summary>
    public const string Admin = "admin";
}

/// <summary>
/// Staff token settings. <see cref="SigningKey"/> signs every new token; <see cref="PreviousSigningKey"/>
/// (<c>ControlCenter:PreviousTokenSigningKey</c>, optional) is still accepted, so the key can be
/// rotated without signing every staff member out: make the old key the previous one and a new one
/// current, and remove the previous one once the token lifetime has passed (docs/operations.md).
/// Each token names its key (<c>kid</c>: a hash of it, never the key).
/// </summary>
public sealed record StaffTokenOptions(byte[] SigningKey, TimeSpan Lifetime, byte[]? PreviousSigningKey = null)
{
    public const string Issuer = "halobestie-control-center";
    public const string Audience = "halobestie-internal-api";
    public const int MinKeyBytes = 32;
    public const string SigningKeyKey = "ControlCenter:TokenSigningKey";
    public const string PreviousSigningKeyKey = "ControlCenter:PreviousTokenSigningKey";

    public static StaffTokenOptions From(IConfiguration configuration)
    {
        var key = configuration[SigningKeyKey];
        if (string.IsNullOrWhiteSpace(key) || Encoding.UTF8.GetByteCount(key) < MinKeyBytes)
            throw new StartupRefusedException(
                $"ControlCenter:TokenSigningKey must be set to a secret of at least {MinKeyBytes} bytes (environment variable ControlCenter__TokenSigningKey).");
        var previous = configuration[PreviousSigningKeyKey];
        if (!string.IsNullOrEmpty(previous) && (string.IsNullOrWhiteSpace(previous) || Encoding.UTF8.GetByteCount(previous) < MinKeyBytes || previous == key))
            throw new StartupRefusedException(
                $"ControlCenter:PreviousTokenSigningKey, when set, must be the earlier key: at least {MinKeyBytes} bytes and not the current one (environment variable ControlCenter__PreviousTokenSigningKey).");
        var minutes = configuration.GetValue("ControlCenter:TokenLifetimeMinutes", 30);
        return new StaffTokenOptions(Encoding.UTF8.GetBytes(key), TimeSpan.FromMinutes(minutes),
            string.IsNullOrEmpty(previous) ? null : Encoding.UTF8.GetBytes(previous));
    }

    /// <summary>The key that signs new tokens, named by its <c>kid</c>.</summary>
    public SymmetricSecurityKey Current => KeyOf(SigningKey);

    /// <summary>The keys a token may be signed with: the current one, then the previous one.</summary>
    public IReadOnlyList<SecurityKey> Accepted => PreviousSigningKey is null ? [Current] : [Current, KeyOf(PreviousSigningKey)];

    private static SymmetricSecurityKey KeyOf(byte[] key) =>
        new(key) { KeyId = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(key).AsSpan(0, 8)) };
}

public static class StaffAuthentication
{
    /// <summary>
    /// Staff bearer tokens (HS256, short-lived). Each authenticated request re-reads the account,
    /// so deactivation and role changes apply at once rather than when the token expires.
    /// </summary>
    public const string DevelopmentAdminPassword = "halobestie-dev-admin";

    public static IServiceCollection AddStaffAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = StaffTokenOptions.From(configuration);
        if (environment.IsProduction() && configuration["ControlCenter:BootstrapAdmin:Password"] == DevelopmentAdminPassword)
            throw new StartupRefusedException(
                "ControlCenter:BootstrapAdmin:Password is the development default. Set ControlCenter__BootstrapAdmin__Password to a secret of your own (or remove it once staff exist).");
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = StaffTokenOptions.Issuer,
                    ValidAudience = StaffTokenOptions.Audience,
                    IssuerSigningKeys = options.Accepted,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = JwtRegisteredClaimNames.Email,
                    RoleClaimType = "role",
                };
                o.Events = new JwtBearerEvents { OnTokenValidated = EnsureStaffStillActive };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicies.Operator, p => p.RequireRole(RoleName(StaffRole.Admin), RoleName(StaffRole.Operator)))
            .AddPolicy(StaffPolicies.Admin, p => p.RequireRole(RoleName(StaffRole.Admin)));
        return services.WithoutDataProtectionAtStart();
    }

    /// <summary>
    /// What staff use cases need, registered on both hosts: the Mediator generator registers every
    /// handler in each host, and Development validates that all of them can be built. Nothing here
    /// reads a secret until a staff use case actually runs.
    /// </summary>
    public static IServiceCollection AddStaffServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => StaffTokenOptions.From(configuration));
        services.AddSingleton(new LockoutPolicy(
            configuration.GetValue("ControlCenter:Lockout:MaxFailedAttempts", 5),
            TimeSpan.FromMinutes(configuration.GetValue("ControlCenter:Lockout:Minutes", 15))));
        services.AddSingleton<IPasswordHasher, StaffPasswordHasher>();
        services.AddSingleton<IStaffTokenIssuer, StaffTokenIssuer>();
        services.AddScoped<ICurrentStaff, CurrentStaff>();
        return services;
    }

    public static string RoleName(StaffRole role) => role == StaffRole.Admin ? "admin" : "operator";

    private static async Task EnsureStaffStillActive(TokenValidatedContext context)
    {
        var sub = context.Principal?.FindFirstValue(JwtRegisteredClaimNames.Sub);
        if (!Guid.TryParse(sub, out var staffId))
        {
            context.Fail("The token has no staff id.");
            return;
        }

        var session = context.HttpContext.RequestServices.GetRequiredService<IQuerySession>();
        var staff = await session.LoadAsync<StaffAccount>(staffId, context.HttpContext.RequestAborted);
        if (staff is not { IsActive: true })
        {
            context.Fail("The staff account is no longer active.");
            return;
        }

        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, staff.Id.ToString()),
                new Claim(JwtRegisteredClaimNames.Email, staff.Email),
                new Claim("role", RoleName(staff.Role)),
            ],
            JwtBearerDefaults.AuthenticationScheme, JwtRegisteredClaimNames.Email, "role"));
    }
}

internal sealed class StaffTokenIssuer(StaffTokenOptions options, TimeProvider clock) : IStaffTokenIssuer
{
    private readonly JsonWebTokenHandler _handler = new();

    public IssuedToken Issue(StaffAccount staff)
    {
        var now = clock.GetUtcNow();
        var expires = now + options.Lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = StaffTokenOptions.Issuer,
            Audience = StaffTokenOptions.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = staff.Id.ToString(),
                [JwtRegisteredClaimNames.Email] = staff.Email,
                ["role"] = StaffAuthentication.RoleName(staff.Role),
            },
            SigningCredentials = new SigningCredentials(options.Current, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, expires);
    }
}

internal sealed class CurrentStaff(IHttpContextAccessor accessor) : ICurrentStaff
{
    public StaffActor Actor
    {
        get
        {
            var user = accessor.HttpContext?.User;
            var id = user?.FindFirstValue(JwtRegisteredClaimNames.Sub);
            if (user?.Identity?.IsAuthenticated != true || !Guid.TryParse(id, out var staffId))
                throw new InvalidOperationException("This use case needs an authenticated staff member; map its endpoint with RequireAuthorization.");
            var role = user.FindFirstValue("role") == "admin" ? StaffRole.Admin : StaffRole.Operator;
            return new StaffActor(staffId, user.FindFirstValue(JwtRegisteredClaimNames.Email) ?? "", role);
        }
    }
}
