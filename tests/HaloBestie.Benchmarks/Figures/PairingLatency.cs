using System.Diagnostics;
using HaloBestie.Benchmarks.Harness;
using Npgsql;
using StackExchange.Redis;
using Pub = HaloBestie.Clients.Public;

namespace HaloBestie.Benchmarks.Figures;

/// <summary>
/// From the moment a client sends <c>POST /api/client/pairing-requests</c> to the moment each of
/// the open mitra streams reads <c>pairing.offered</c>; one request at a time, each cancelled
/// (and its <c>pairing.closed</c> delivered everywhere) before the next. Baseline: one PostgreSQL commit followed by one Valkey publish, timed until a
/// subscriber receives it — the least any "write, then tell" can cost on this machine.
/// </summary>
public static class PairingLatency
{
    public static async Task RunAsync(BenchSystem system, EventStreams streams, int streamCount, Sizes sizes, Report report)
    {
        var baseline = await RawCommitAndPublishAsync(system, Math.Max(sizes.PairingRounds, 20));

        var client = await system.NewClientAsync();
        // One unmeasured round warms the path.
        var warm = await client.Api.RequestPairingAsync(new Pub.RequestPairing());
        await streams.WaitForOffersAsync(warm.Id, streamCount, TimeSpan.FromSeconds(10));
        await client.Api.CancelPairingRequestAsync(warm.Id);
        await streams.WaitForClosedAsync(warm.Id, streamCount, TimeSpan.FromSeconds(10));

        var deliveries = new List<double>();
        var lastPerRequest = new List<double>();
        var firstPerRequest = new List<double>();
        var answered = new List<double>();
        for (var round = 0; round < sizes.PairingRounds; round++)
        {
            var sentAt = Stopwatch.GetTimestamp();
            var request = await client.Api.RequestPairingAsync(new Pub.RequestPairing());
            answered.Add(Stats.Ms(sentAt, System.Diagnostics.Stopwatch.GetTimestamp()));
            if (!await streams.WaitForOffersAsync(request.Id, streamCount, TimeSpan.FromSeconds(10)))
                throw new InvalidOperationException($"Only {streams.OfferedAt(request.Id).Count} of {streamCount} streams got pairing.offered for {request.Id}.");
            var times = streams.OfferedAt(request.Id).Select(at => Stats.Ms(sentAt, at)).ToArray();
            deliveries.AddRange(times);
            lastPerRequest.Add(times.Max());
            firstPerRequest.Add(times.Min());
            await client.Api.CancelPairingRequestAsync(request.Id);
            // Each request is timed on a quiet system: the cancel's fan-out is over before the next.
            await streams.WaitForClosedAsync(request.Id, streamCount, TimeSpan.FromSeconds(10));
        }

        var p50 = Stats.Percentile(deliveries, 50);
        var p99 = Stats.Percentile(deliveries, 99);
        var rawP50 = Stats.Percentile(baseline, 50);
        report.Add(new Row(
            $"request → pairing.offered on {streamCount} mitra streams ({sizes.PairingRounds} requests, {deliveries.Count} deliveries)",
            $"p50 {Report.F(p50, "0.0")} ms, p99 {Report.F(p99, "0.0")} ms",
            $"p50 {Report.F(rawP50, "0.00")} ms, p99 {Report.F(Stats.Percentile(baseline, 99), "0.00")} ms (raw commit + publish→receive)",
            "p99 ≤ 50 ms; p50 ≤ 3× baseline p50",
            p99 <= 50 && p50 <= 3 * rawP50,
            $"p50 ratio {Report.F(p50 / rawP50, "0.0")}; medians: POST answered {Report.F(Stats.Median(answered), "0.0")} ms, first stream {Report.F(Stats.Median(firstPerRequest), "0.0")} ms, last stream {Report.F(Stats.Median(lastPerRequest), "0.0")} ms (p99 {Report.F(Stats.Percentile(lastPerRequest, 99), "0.0")} ms)"));
    }

    /// <summary>One INSERT in its own transaction, then one PUBLISH, until a subscriber has the message (also the chat figure's baseline).</summary>
    internal static async Task<List<double>> RawCommitAndPublishAsync(BenchSystem system, int rounds)
    {
        await using var dataSource = HaloBestie.Infrastructure.Persistence.MartenSetup.DataSourceBuilder(system.Postgres).Build(); // as the hosts connect (statements prepared)
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
