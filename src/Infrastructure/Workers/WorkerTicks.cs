using System.Diagnostics.Metrics;
using HaloBestie.Application.Common;
using HaloBestie.Infrastructure.Valkey;
using StackExchange.Redis;

namespace HaloBestie.Infrastructure.Workers;

/// <summary>
/// One instance per tick: every public instance runs the same workers, and without this each of
/// them would fetch the same due timers every second and all but one would fail their commits
/// (issue 21 item 5). Each tick slot of a worker (its interval, in real time) is taken by the first
/// instance that asks (<c>SET tick:&lt;worker&gt;:&lt;slot&gt; NX</c> in Valkey); the others skip it.
/// With Valkey unreachable every instance runs the tick, as before: the streams' versions keep the
/// work correct, only the duplicated effort returns.
/// </summary>
public sealed class WorkerTicks(IConnectionMultiplexer valkey, ValkeyKeys keys)
{
    private readonly string _instance = Guid.NewGuid().ToString("N");

    /// <summary>Whether this instance runs the current <paramref name="interval"/>-long slot of <paramref name="worker"/>.</summary>
    public async Task<bool> TryTakeAsync(string worker, TimeSpan interval)
    {
        var slot = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / (long)interval.TotalMilliseconds;
        try
        {
            return await valkey.GetDatabase().StringSetAsync($"{keys.Prefix}tick:{worker}:{slot}", _instance, interval * 2, When.NotExists);
        }
        catch (Exception e) when (ValkeyFaults.IsUnavailable(e))
        {
            return true;
        }
    }
}

/// <summary>
/// <c>halobestie.workers.ticks</c> (<c>worker</c>, <c>outcome</c> = <c>ran</c>, <c>skipped</c>
/// (another instance has the tick), <c>failed</c>): a worker failing every tick shows here even
/// when nothing it would record ever commits (docs/deployment.md, "Worker failing").
/// </summary>
public static class WorkerMetrics
{
    private static readonly Meter Meter = new(ProductMetrics.MeterName);
    private static readonly Counter<long> Ticks = Meter.CreateCounter<long>("halobestie.workers.ticks", "{tick}", "Background worker ticks on this instance, by worker and outcome");

    public const string Ran = "ran";
    public const string Skipped = "skipped";
    public const string Failed = "failed";

    public static void Tick(string worker, string outcome) =>
        Ticks.Add(1, new KeyValuePair<string, object?>("worker", worker), new KeyValuePair<string, object?>("outcome", outcome));
}
