using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using HaloBestie.Application.Common;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HaloBestie.Infrastructure.Web;

/// <summary>
/// The limits that hold across every instance (ADR 0028): one counter per limit and caller in
/// Valkey, decided by one atomic script per request (GCRA: the key holds when the caller's bucket
/// would be full again; it expires then, so idle callers leave nothing behind). The script reads
/// Valkey's own clock, so instances whose clocks disagree still count alike. While Valkey cannot
/// answer, each instance falls back to its own token bucket of the same figures (what every limit
/// was before), so an outage neither lifts the limits nor fails the request.
/// </summary>
public sealed partial class SharedRateLimits(IDatabase db, ILogger<SharedRateLimits> logger)
{
    // Allowed: { 1, 0 }. Refused: { 0, microseconds until one permit is free }. Arithmetic in
    // whole microseconds, exact in Lua's doubles (Unix time in µs is below 2^53); numbers are
    // written with %.0f because Lua's default formatting would round them to 14 digits.
    private static readonly LuaScript Take = LuaScript.Prepare("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local interval = tonumber(@interval)
        local window = tonumber(@window)
        local full = tonumber(redis.call('GET', @key)) or now
        if full < now then full = now end
        local after = full + interval
        if after - now > window then
          return { 0, after - now - window }
        end
        redis.call('SET', @key, string.format('%.0f', after), 'PX', string.format('%.0f', math.ceil((after - now) / 1000)))
        return { 1, 0 }
        """);

    // After Valkey failed to answer, the next second goes to the per-instance buckets at once,
    // rather than each request waiting for its own connection error or timeout.
    private static readonly TimeSpan AskAgainAfter = TimeSpan.FromSeconds(1);

    private long _askAgainAt;
    private int _fallingBack;

    /// <summary>
    /// The caller's key for <paramref name="limit"/>. The caller (a Firebase UID) is hashed: Valkey
    /// keys name no account, so nothing of an erased account lingers there for a window.
    /// </summary>
    public static RedisKey KeyOf(string limit, string caller) =>
        $"ratelimit:{limit}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(caller)).AsSpan(0, 16))}";

    /// <summary>The answer for one request, or null when Valkey cannot give one (use the fallback).</summary>
    public Task<(bool Allowed, TimeSpan RetryAfter)?> TryTakeAsync(string limit, string caller, RateLimit rate) =>
        TryTakeAsync(KeyOf(limit, caller), rate);

    internal async Task<(bool Allowed, TimeSpan RetryAfter)?> TryTakeAsync(RedisKey key, RateLimit rate)
    {
        if (Stopwatch.GetTimestamp() < Volatile.Read(ref _askAgainAt))
            return null;
        // One permit every interval; a burst of exactly PermitLimit (the window is PermitLimit
        // intervals, so a rounded interval never costs the burst a permit).
        var interval = Math.Max(1, (long)Math.Round(rate.WindowSeconds * 1_000_000.0 / rate.PermitLimit));
        var window = interval * rate.PermitLimit;
        try
        {
            var answer = (RedisResult[])(await db.ScriptEvaluateAsync(Take, new { key, interval, window }))!;
            if (Interlocked.Exchange(ref _fallingBack, 0) == 1)
                LogShared(logger);
            return ((long)answer[0] == 1, TimeSpan.FromMicroseconds((long)answer[1]));
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException) // a timeout is not a RedisException
        {
            Volatile.Write(ref _askAgainAt, Stopwatch.GetTimestamp() + (long)(AskAgainAfter.TotalSeconds * Stopwatch.Frequency));
            if (Interlocked.Exchange(ref _fallingBack, 1) == 0)
                LogFallingBack(logger, e.Message);
            return null;
        }
    }

    /// <summary>A limiter for one caller of <paramref name="limit"/>, as each partition of the rate-limiting middleware holds.</summary>
    public RateLimiter LimiterFor(string limit, string caller, RateLimit rate) => new SharedRateLimiter(this, limit, caller, rate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shared rate limits fall back to per-instance buckets: Valkey did not answer ({Reason})")]
    private static partial void LogFallingBack(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shared rate limits are counted in Valkey again")]
    private static partial void LogShared(ILogger logger);
}

/// <summary>
/// One caller's limiter for a shared limit, made by the partitioned limiter of ASP.NET Core's
/// rate-limiting middleware. Asks Valkey; while Valkey cannot answer, the caller's token bucket on
/// this instance decides. That bucket is also drawn from on every permit Valkey grants, so a
/// caller at the limit when Valkey fails does not find a fresh burst on each instance.
/// </summary>
internal sealed class SharedRateLimiter(SharedRateLimits shared, string limit, string caller, RateLimit rate) : ReplenishingRateLimiter
{
    private static readonly RateLimitLease Undecided = new Lease(false, null);
    private static readonly RateLimitLease Granted = new Lease(true, null);

    private readonly TokenBucketRateLimiter _local = new(rate.ToOptions());
    private readonly RedisKey _key = SharedRateLimits.KeyOf(limit, caller);
    private int _inFlight;

    // Never idle while an acquisition awaits Valkey: the partitioned limiter disposes partitions
    // idle for 10 s, and the local bucket alone looks idle (full) while Valkey is being asked, so a
    // caller's first request after a quiet spell found its bucket disposed under it (a 500, seen in
    // the soak of issue 21).
    public override TimeSpan? IdleDuration => Volatile.Read(ref _inFlight) > 0 ? null : _local.IdleDuration;

    // The partitioned limiter refills its partitions on its own timer; it refills this one's bucket through these.
    public override bool IsAutoReplenishing => false;

    public override TimeSpan ReplenishmentPeriod => _local.ReplenishmentPeriod;

    public override bool TryReplenish() => _local.TryReplenish();

    public override RateLimiterStatistics? GetStatistics() => _local.GetStatistics();

    // The middleware tries this synchronous path first and, when it fails, awaits AcquireAsync:
    // a Valkey round trip has no synchronous answer.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Undecided;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight); // before the first await: the partitioned limiter may look at IdleDuration at any moment
        try
        {
            if (await shared.TryTakeAsync(_key, rate) is not { } answer)
            {
                ProductMetrics.RateLimitFallback(limit);
                return LocalOrGranted(permitCount, keep: true);
            }
            if (!answer.Allowed)
                return new Lease(false, answer.RetryAfter);
            LocalOrGranted(permitCount, keep: false);
            return Granted;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    // Disposed all the same (the partitioned limiter took the partition for idle just before this
    // request marked it in flight): the partition that replaces it starts with a full bucket, so
    // granting is what it would answer.
    private RateLimitLease LocalOrGranted(int permitCount, bool keep)
    {
        try
        {
            var lease = _local.AttemptAcquire(permitCount);
            if (keep)
                return lease;
            lease.Dispose();
        }
        catch (ObjectDisposedException)
        {
            // see above
        }
        return Granted;
    }

    // The partitioned limiter disposes idle partitions asynchronously.
    protected override async ValueTask DisposeAsyncCore()
    {
        await _local.DisposeAsync();
        await base.DisposeAsyncCore();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _local.Dispose();
        base.Dispose(disposing);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
