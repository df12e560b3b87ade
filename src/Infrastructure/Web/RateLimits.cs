using System.Globalization;
using System.Threading.RateLimiting;
using HaloBestie.Application.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace HaloBestie.Infrastructure.Web;

/// <summary>One limit: a burst of <see cref="PermitLimit"/> requests, refilled evenly to <see cref="PermitLimit"/> per <see cref="WindowSeconds"/>.</summary>
public sealed record RateLimit(int PermitLimit, int WindowSeconds)
{
    // The partitioned limiter refills every 100 ms at best; very high limits (tests, benchmarks)
    // refill several permits per tick instead of one permit per few microseconds.
    private static readonly TimeSpan MinRefillPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>A token bucket: <see cref="PermitLimit"/> at once, then one more permit every WindowSeconds / PermitLimit, no queue.</summary>
    public TokenBucketRateLimiterOptions ToOptions()
    {
        var period = TimeSpan.FromSeconds((double)WindowSeconds / PermitLimit);
        var perPeriod = 1;
        if (period < MinRefillPeriod)
        {
            perPeriod = (int)Math.Min(PermitLimit, Math.Ceiling(PermitLimit * MinRefillPeriod.TotalSeconds / WindowSeconds));
            period = MinRefillPeriod;
        }
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = PermitLimit,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = false, // the partitioned limiter refills every partition on its own timer
        };
    }
}

/// <summary>
/// Rate limits on the routes a stranger can hammer (ADR 0020): sign-in, staff login, pairing
/// requests, new payments (each one creates a Xendit invoice), messages and typing signals, and the Xendit webhook.
/// Each limit is a token bucket per caller, configured by <c>RateLimits:&lt;Name&gt;:PermitLimit</c> and
/// <c>RateLimits:&lt;Name&gt;:WindowSeconds</c>. Sign-in, pairing requests and payments are counted
/// in Valkey and hold across every instance (<see cref="SharedRateLimits"/>, ADR 0028); the others
/// are held in the memory of each instance. A refusal is 429 <c>rate-limited</c> with
/// <c>Retry-After</c> in whole seconds.
/// </summary>
public static class RateLimits
{
    /// <summary>Client and mitra sign-in and registration, per Firebase UID.</summary>
    public const string SignIn = "SignIn";

    /// <summary>Staff login, per remote IP address.</summary>
    public const string StaffLogin = "StaffLogin";

    /// <summary>Staff login, per email in the body (normalised), whichever address it comes from.</summary>
    public const string StaffLoginEmail = "StaffLoginEmail";

    /// <summary>New pairing requests, per Firebase UID.</summary>
    public const string PairingRequests = "PairingRequests";

    /// <summary>New payments (each creates a Xendit invoice), per Firebase UID.</summary>
    public const string Payments = "Payments";

    /// <summary>Messages sent and typing signals, per Firebase UID (every device of one account together).</summary>
    public const string Messages = "Messages";

    /// <summary>The Xendit invoice webhook, per remote IP address.</summary>
    public const string XenditWebhook = "XenditWebhook";

    // Longer keys (a body can carry 64 KiB) are cut: they are not valid emails anyway.
    private const int MaxKeyLength = 256;

    /// <summary>
    /// The limits counted across every instance in Valkey (ADR 0028): each refusal there saves
    /// what a stranger multiplies by the instance count (sign-ins, pairing blasts to every
    /// available mitra, Xendit invoices). Messages (the hottest route), staff login and the
    /// webhook stay per instance.
    /// </summary>
    public static readonly IReadOnlySet<string> Shared = new HashSet<string> { SignIn, PairingRequests, Payments };

    /// <summary>The defaults of docs/operations.md#rate-limits; across instances for <see cref="Shared"/>, per instance for the others.</summary>
    public static readonly IReadOnlyDictionary<string, RateLimit> Defaults = new Dictionary<string, RateLimit>
    {
        [SignIn] = new(10, 60),
        [StaffLogin] = new(20, 60),
        [StaffLoginEmail] = new(10, 300),
        [PairingRequests] = new(10, 60),
        [Payments] = new(5, 300),
        [XenditWebhook] = new(600, 60),
        [Messages] = new(60, 30),
    };

    public static IServiceCollection AddHaloBestieRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = Defaults.ToDictionary(d => d.Key, d => Configured(configuration, d.Key, d.Value));
        services.AddSingleton(_ => new KeyedRateLimiters(new Dictionary<string, RateLimit> { [StaffLoginEmail] = limits[StaffLoginEmail] }));
        services.AddSingleton<SharedRateLimits>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) => RejectAsync(context.HttpContext, RetryAfterSeconds(context.Lease),
                context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "?");
            o.AddPolicy(SignIn, context => PerCallerShared(context, SignIn, limits[SignIn]));
            o.AddPolicy(PairingRequests, context => PerCallerShared(context, PairingRequests, limits[PairingRequests]));
            o.AddPolicy(Payments, context => PerCallerShared(context, Payments, limits[Payments]));
            o.AddPolicy(Messages, context => PerCaller(context, limits[Messages]));
            o.AddPolicy(StaffLogin, context => PerAddress(context, limits[StaffLogin]));
            o.AddPolicy(XenditWebhook, context => PerAddress(context, limits[XenditWebhook]));
        });
        return services;
    }

    /// <summary>Applies the named limit to the route and declares its 429 answer.</summary>
    public static RouteHandlerBuilder WithRateLimit(this RouteHandlerBuilder builder, string limit) =>
        builder.RequireRateLimiting(limit).Problems(ProblemCatalog.RateLimited);

    /// <summary>
    /// Applies the named limit per a key read from the bound body (staff login: the email), and
    /// declares its 429 answer. A filter runs after binding, so the body is read once; a
    /// rate-limiter policy runs before it.
    /// </summary>
    public static RouteHandlerBuilder WithRateLimitByBody<TBody>(this RouteHandlerBuilder builder, string limit, Func<TBody, string?> keyOf) =>
        builder.Problems(ProblemCatalog.RateLimited).AddEndpointFilter(async (context, next) =>
        {
            var key = context.Arguments.OfType<TBody>().Select(keyOf).FirstOrDefault();
            if (string.IsNullOrEmpty(key))
                return await next(context);
            var limiter = context.HttpContext.RequestServices.GetRequiredService<KeyedRateLimiters>()[limit];
            using var lease = limiter.AttemptAcquire(key.Length > MaxKeyLength ? key[..MaxKeyLength] : key);
            return lease.IsAcquired ? await next(context) : new Refusal(RetryAfterSeconds(lease), limit);
        });

    private static RateLimit Configured(IConfiguration configuration, string name, RateLimit fallback)
    {
        var section = configuration.GetSection($"RateLimits:{name}");
        var limit = new RateLimit(section.GetValue("PermitLimit", fallback.PermitLimit), section.GetValue("WindowSeconds", fallback.WindowSeconds));
        if (limit.PermitLimit < 1 || limit.WindowSeconds < 1)
            throw new StartupRefusedException(
                $"RateLimits:{name} must have PermitLimit and WindowSeconds of at least 1 (environment variables RateLimits__{name}__PermitLimit, RateLimits__{name}__WindowSeconds).");
        return limit;
    }

    // Policies run after authentication: a verified token names its Firebase UID. Without one
    // (never on these routes, which require a token), the address stands in.
    private static RateLimitPartition<string> PerCaller(HttpContext context, RateLimit limit) =>
        RateLimitPartition.GetTokenBucketLimiter(CallerOf(context), _ => limit.ToOptions());

    private static RateLimitPartition<string> PerCallerShared(HttpContext context, string name, RateLimit limit)
    {
        var shared = context.RequestServices.GetRequiredService<SharedRateLimits>();
        return RateLimitPartition.Get(CallerOf(context), caller => shared.LimiterFor(name, caller, limit));
    }

    private static string CallerOf(HttpContext context) =>
        context.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is { } uid ? "uid:" + uid : AddressOf(context);

    private static RateLimitPartition<string> PerAddress(HttpContext context, RateLimit limit) =>
        RateLimitPartition.GetTokenBucketLimiter(AddressOf(context), _ => limit.ToOptions());

    // Behind a proxy this is the proxy's address unless forwarded headers are honoured
    // (ASPNETCORE_FORWARDEDHEADERS_ENABLED, docs/deployment.md).
    private static string AddressOf(HttpContext context) =>
        "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    // When the next permit is due, rounded up to whole seconds (Retry-After has no fractions).
    private static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;

    private static async ValueTask RejectAsync(HttpContext http, int seconds, string limit)
    {
        ProductMetrics.RateLimited(limit);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = ProblemExceptionHandler.Named(ProblemCatalog.RateLimited,
                $"Too many requests from this caller; retry after {seconds} s."),
        });
    }

    private sealed class Refusal(int seconds, string limit) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => RejectAsync(httpContext, seconds, limit).AsTask();
    }
}

/// <summary>Limiters keyed by something a policy cannot see (the body), by limit name; shared by every request of the instance.</summary>
public sealed class KeyedRateLimiters(IReadOnlyDictionary<string, RateLimit> limits) : IDisposable
{
    private readonly Dictionary<string, PartitionedRateLimiter<string>> _limiters = limits.ToDictionary(
        l => l.Key,
        l => PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => l.Value.ToOptions())));

    public PartitionedRateLimiter<string> this[string limit] => _limiters[limit];

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
            limiter.Dispose();
    }
}
