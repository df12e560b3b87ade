using System.Diagnostics;
using HaloBestie.Application.Realtime;
using HaloBestie.Benchmarks.Harness;
using HaloBestie.Infrastructure.Realtime;
using Npgsql;
using StackExchange.Redis;
using Pub = HaloBestie.Clients.Public;

namespace HaloBestie.Benchmarks.Figures;

/// <summary>
/// From the moment a client sends <c>POST /api/client/pairing-requests</c> to the moment each of
/// the open mitra streams reads <c>pairing.offered</c>; one request at a time, each cancelled
/// (and its <c>pairing.closed</c> delivered everywhere) before the next, after unmeasured ones
/// that warm the path (their times are reported as the cold figure). Baseline: one PostgreSQL
/// commit followed by one Valkey publish, timed until a subscriber receives it — the least any
/// "write, then tell" can cost on this machine. Floor: the same event fanned out straight into
/// Valkey with the hosts' own script, no request — what delivery alone costs here.
/// Measured twice in the same run: first with mitras that have no app installation registered
/// (the push outbox queues nothing: the path as it was before push), then after each mitra
/// registered one (each request also queues one offer push per mitra, and each cancel one
/// withdrawal per mitra, in the same commit; the next round waits until the outbox has sent them,
/// as it waits for the cancel's fan-out, so that the row measures what queueing costs the path).
/// </summary>
public static class PairingLatency
{
    public static async Task RunAsync(BenchSystem system, EventStreams streams, IReadOnlyList<BenchMitra> mitras, Sizes sizes, Report report)
    {
        var streamCount = mitras.Count;
        var baseline = await RawCommitAndPublishAsync(system, Math.Max(sizes.PairingRounds, 20));
        var rawP50 = Stats.Percentile(baseline, 50);
        var (cold, withoutPush) = await MeasureAsync(system, streams, mitras, sizes.PairingRounds, sizes.PairingWarmupRounds);
        var floor = await RawFanOutAsync(system, streams, mitras, sizes.PairingRounds);
        var p50 = Stats.Percentile(withoutPush.Deliveries, 50);
        var p99 = Stats.Percentile(withoutPush.Deliveries, 99);
        report.Add(new Row(
            $"request → pairing.offered on {streamCount} mitra streams ({sizes.PairingRounds} requests, {withoutPush.Deliveries.Count} deliveries, after {sizes.PairingWarmupRounds} unmeasured)",
            $"p50 {Report.F(p50, "0.0")} ms, p99 {Report.F(p99, "0.0")} ms",
            $"p50 {Report.F(rawP50, "0.00")} ms, p99 {Report.F(Stats.Percentile(baseline, 99), "0.00")} ms (raw commit + publish→receive)",
            "p99 ≤ 50 ms; p50 ≤ 3× baseline p50",
            p99 <= 50 && p50 <= 3 * rawP50,
            $"p50 ratio {Report.F(p50 / rawP50, "0.0")}; medians: POST answered {Report.F(Stats.Median(withoutPush.Answered), "0.0")} ms, first stream {Report.F(Stats.Median(withoutPush.First), "0.0")} ms, last stream {Report.F(Stats.Median(withoutPush.Last), "0.0")} ms (p99 {Report.F(Stats.Percentile(withoutPush.Last, 99), "0.0")} ms); mitras without app installations (no push queued); the {sizes.PairingWarmupRounds} unmeasured requests, the first after the host started (cold: code not yet recompiled by tiered compilation): p50 {Report.F(Stats.Percentile(cold.Deliveries, 50), "0.0")} ms, p99 {Report.F(Stats.Percentile(cold.Deliveries, 99), "0.0")} ms; issue 19's target at 200 streams (p50 ≤ 10 ms, p99 ≤ 30 ms): {(p50 <= 10 && p99 <= 30 ? "met" : "not met")}"));

        report.Add(new Row(
            $"floor: one pairing.offered written straight into Valkey for the {streamCount} mitra streams (the hosts' own fan-out script, no request, no PostgreSQL), until each stream has it",
            $"p50 {Report.F(Stats.Percentile(floor.Deliveries, 50), "0.0")} ms, p99 {Report.F(Stats.Percentile(floor.Deliveries, 99), "0.0")} ms",
            $"request → pairing.offered p50 {Report.F(p50, "0.0")} ms (the row above)",
            "—",
            null,
            $"what delivering one event to {streamCount} open streams costs this machine (Valkey, the public host's stream readers, the driver's {streamCount} sockets on the same 2 cores); medians: first stream {Report.F(Stats.Median(floor.First), "0.0")} ms, last stream {Report.F(Stats.Median(floor.Last), "0.0")} ms; the request's own part is the row above minus this"));

        await Parallel.ForEachAsync(mitras, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (m, ct) => await BenchSystem.RegisterDeviceAsync(m, ct));
        var pushedBefore = system.Fcm.Delivered.Count();
        var (_, withPush) = await MeasureAsync(system, streams, mitras, sizes.PairingRounds, warmupRounds: 1, () => OutboxEmptyAsync(system));
        var pushed = system.Fcm.Delivered.Count() - pushedBefore;
        var pushP50 = Stats.Percentile(withPush.Deliveries, 50);
        var pushP99 = Stats.Percentile(withPush.Deliveries, 99);
        report.Add(new Row(
            $"the same with one app installation per mitra: each request queues {streamCount} offer pushes and each cancel {streamCount} withdrawals (sent before the next round)",
            $"p50 {Report.F(pushP50, "0.0")} ms, p99 {Report.F(pushP99, "0.0")} ms",
            $"p50 {Report.F(p50, "0.0")} ms, p99 {Report.F(p99, "0.0")} ms (the row above: no push queued)",
            "p50 within noise (≤ 1.25×) of the row above",
            pushP50 <= 1.25 * p50,
            $"p50 ratio {Report.F(pushP50 / p50, "0.00")}; POST answered median {Report.F(Stats.Median(withPush.Answered), "0.0")} ms; {pushed} pushes reached the fake FCM during these rounds"));
    }

    private sealed record Rounds(List<double> Deliveries, List<double> Answered, List<double> First, List<double> Last);

    /// <summary>
    /// <paramref name="rounds"/> requests timed after <paramref name="warmupRounds"/> unmeasured ones:
    /// the same path run first, so that the figure measures the host as it serves, not the code
    /// tiered compilation has not yet recompiled (the warm-up's own times are returned as well).
    /// </summary>
    /// <param name="betweenRounds">Waited for after each round (with push: until the outbox has sent the round's pushes, so that each request is timed on a quiet system, as the cancel's fan-out is).</param>
    private static async Task<(Rounds Warmup, Rounds Measured)> MeasureAsync(BenchSystem system, EventStreams streams, IReadOnlyList<BenchMitra> mitras, int rounds, int warmupRounds, Func<Task>? betweenRounds = null)
    {
        var streamCount = mitras.Count;
        var client = await system.NewClientAsync();
        var warmup = new Rounds([], [], [], []);
        var measured = new Rounds([], [], [], []);
        for (var round = 0; round < warmupRounds + rounds; round++)
        {
            var into = round < warmupRounds ? warmup : measured;
            var sentAt = Stopwatch.GetTimestamp();
            var request = await client.Api.RequestPairingAsync(new Pub.RequestPairing());
            into.Answered.Add(Stats.Ms(sentAt, Stopwatch.GetTimestamp()));
            if (!await streams.WaitForOffersAsync(request.Id, streamCount, TimeSpan.FromSeconds(10)))
                throw new InvalidOperationException($"Only {streams.OfferedAt(request.Id).Count} of {streamCount} streams got pairing.offered for {request.Id}.");
            var times = streams.OfferedAt(request.Id).Select(at => Stats.Ms(sentAt, at)).ToArray();
            into.Deliveries.AddRange(times);
            into.Last.Add(times.Max());
            into.First.Add(times.Min());
            await client.Api.CancelPairingRequestAsync(request.Id);
            // Each request is timed on a quiet system: the cancel's fan-out is over before the next.
            await streams.WaitForClosedAsync(request.Id, streamCount, TimeSpan.FromSeconds(10));
            if (betweenRounds is not null)
                await betweenRounds();
            if (round % 20 == 19) // the mitras send no heartbeats otherwise: keep them online however long the rounds take
                await Parallel.ForEachAsync(mitras, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (m, ct) => await m.Api.RecordHeartbeatAsync(ct));
        }

        return (warmup, measured);
    }

    /// <summary>
    /// The delivery floor: the public host's fan-out script (ValkeyRealtime) called straight against
    /// Valkey for every mitra stream, with a <c>pairing.offered</c> of a request that does not exist,
    /// timed until each stream has read it; one round at a time, as the requests are.
    /// </summary>
    private static async Task<Rounds> RawFanOutAsync(BenchSystem system, EventStreams streams, IReadOnlyList<BenchMitra> mitras, int rounds)
    {
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(system.Valkey);
        var db = multiplexer.GetDatabase();
        RedisKey[] keys = [.. mitras.Select(m => ValkeyRealtime.StreamKey(Recipient.Mitra(m.Id)).Prepend(system.KeyPrefix))];
        var deliveries = new List<double>();
        var first = new List<double>();
        var last = new List<double>();
        for (var round = 0; round < rounds + 5; round++)
        {
            var id = Guid.NewGuid();
            var data = $$"""{"requestId":"{{id}}","client":{"alias":"Bench"},"topic":null,"note":null,"expiresAt":"{{DateTimeOffset.UtcNow.AddMinutes(1):O}}"}""";
            var sentAt = Stopwatch.GetTimestamp();
            foreach (var chunk in keys.Chunk(ValkeyRealtime.FanOutChunk))
                await db.ScriptEvaluateAsync(ValkeyRealtime.AppendAndWake, chunk, ValkeyRealtime.AppendAndWakeArgs("pairing.offered", data));
            if (!await streams.WaitForOffersAsync(id, keys.Length, TimeSpan.FromSeconds(10)))
                throw new InvalidOperationException($"Only {streams.OfferedAt(id).Count} of {keys.Length} streams got the raw fan-out {id}.");
            if (round < 5) // the first few warm the path
                continue;
            var times = streams.OfferedAt(id).Select(at => Stats.Ms(sentAt, at)).ToArray();
            deliveries.AddRange(times);
            first.Add(times.Min());
            last.Add(times.Max());
        }
        return new Rounds(deliveries, [], first, last);
    }

    /// <summary>Waits until the push outbox is empty; fails after <paramref name="seconds"/>.</summary>
    internal static async Task OutboxEmptyAsync(BenchSystem system, int seconds = 30)
    {
        await using var connection = new NpgsqlConnection(system.Postgres);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            await using var count = new NpgsqlCommand($"select count(*) from {system.Schema}.{Application.Push.PushOutbox.Table}", connection);
            if ((long)(await count.ExecuteScalarAsync())! == 0)
                return;
            await Task.Delay(5);
        }
        throw new InvalidOperationException($"The push outbox did not drain within {seconds} s.");
    }

    /// <summary>One INSERT in its own transaction, then one PUBLISH, until a subscriber has the message (also the chat figure's baseline).</summary>
    internal static async Task<List<double>> RawCommitAndPublishAsync(BenchSystem system, int rounds)
    {
        await using var dataSource = HaloBestie.Infrastructure.Persistence.MartenSetup.DataSourceBuilder(system.Postgres).Build(); // as the hosts connect
        await using (var create = dataSource.CreateCommand($"create table if not exists {system.Schema}.bench_commit (id bigserial primary key, at timestamptz not null, body jsonb not null)"))
            await create.ExecuteNonQueryAsync();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(system.Valkey);
        var channel = RedisChannel.Literal($"bench:{system.Schema}:raw");
        var received = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await multiplexer.GetSubscriber().SubscribeAsync(channel, (_, _) => received.TrySetResult(Stopwatch.GetTimestamp()));

        var times = new List<double>();
        for (var i = 0; i < rounds + 5; i++)
        {
            received = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var start = Stopwatch.GetTimestamp();
            await using (var tx = await connection.BeginTransactionAsync())
            {
                await using var insert = new NpgsqlCommand($"insert into {system.Schema}.bench_commit (at, body) values (now(), $1::jsonb)", connection, tx);
                insert.Parameters.AddWithValue("{\"requestId\":\"" + Guid.NewGuid() + "\"}");
                await insert.ExecuteNonQueryAsync();
                await tx.CommitAsync();
            }
            await multiplexer.GetSubscriber().PublishAsync(channel, "offered");
            var at = await received.Task.WaitAsync(TimeSpan.FromSeconds(5));
            if (i >= 5) // the first few warm the connections
                times.Add(Stats.Ms(start, at));
        }
        return times;
    }
}
