using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using HaloBestie.Benchmarks.Harness;
using HaloBestie.Clients.Internal;
using HaloBestie.Infrastructure.Persistence;
using JasperFx;
using Marten;
using Pub = HaloBestie.Clients.Public;

namespace HaloBestie.Benchmarks.Figures;

/// <summary>
/// <c>GET /api/internal/sessions/{id}/history</c> of a session whose stream holds N events (the
/// start, then reroutes back and forth made through the internal API, each with its system message), against Marten's raw
/// <c>AggregateStreamAsync</c> of the same stream in this process. Timed by BenchmarkDotNet.
/// </summary>
public static class HistoryReplay
{
    public static async Task RunAsync(BenchSystem system, IReadOnlyList<BenchMitra> mitras, Sizes sizes, Report report)
    {
        var sessionId = await SessionWithEventsAsync(system, mitras[0], mitras[1], sizes.HistoryEvents);
        var history = await system.Admin.GetSessionHistoryAsync(sessionId);
        if (history.Count != sizes.HistoryEvents)
            throw new InvalidOperationException($"The session has {history.Count} events, not {sizes.HistoryEvents}.");

        await using var store = DocumentStore.For(o =>
        {
            o.Connection(system.Postgres);
            MartenSetup.Configure(o, system.Schema, AutoCreate.None);
        });
        HistoryBenchmarks.Store = store;
        HistoryBenchmarks.SessionId = sessionId;
        HistoryBenchmarks.Http = BenchSystem.Http(system.Internal!.BaseUrl, system.AdminToken);

        var job = sizes.IsTiny
            ? Job.Dry.WithToolchain(InProcessEmitToolchain.Instance)
            : Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(20);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(BenchmarkDotNet.Columns.DefaultColumnProviders.Instance)
            .WithArtifactsPath(Path.Combine(system.WorkDir, "BenchmarkDotNet.Artifacts"))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.JoinSummary);
        var summary = BenchmarkRunner.Run<HistoryBenchmarks>(config);

        BenchmarkDotNet.Mathematics.Statistics Of(string method) =>
            summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method).ResultStatistics
                ?? throw new InvalidOperationException($"BenchmarkDotNet has no result for {method}: see its log in {system.WorkDir}.");
        var endpointStats = Of(nameof(HistoryBenchmarks.HistoryEndpoint));
        var rawStats = Of(nameof(HistoryBenchmarks.RawAggregateStream));
        var endpoint = endpointStats.Mean / 1e6;
        var raw = rawStats.Mean / 1e6;
        report.Add(new Row(
            $"GET /api/internal/sessions/{{id}}/history, {sizes.HistoryEvents}-event stream (BenchmarkDotNet mean)",
            $"{Report.F(endpoint, "0.00")} ms",
            $"{Report.F(raw, "0.00")} ms (raw AggregateStreamAsync, in process)",
            "≤ 2× baseline",
            endpoint <= 2 * raw,
            $"ratio {Report.F(endpoint / raw, "0.00")}; the endpoint figure includes HTTP and JSON of every event; {endpointStats.N} and {rawStats.N} measured iterations"));
    }

    /// <summary>A live session (client request, mitra accept), then staff reroutes it back and forth until its stream holds <paramref name="events"/> events.</summary>
    private static async Task<Guid> SessionWithEventsAsync(BenchSystem system, BenchMitra first, BenchMitra second, int events)
    {
        var client = await system.NewClientAsync();
        var request = await client.Api.RequestPairingAsync(new Pub.RequestPairing());
        var sessionId = (await first.Api.AcceptPairingRequestAsync(request.Id)).SessionId;
        // The accept writes two events (the start and its system message), each reroute two (the
        // reroute and its handover message).
        if (events % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(events), events, "A session's stream here holds an even number of events.");
        for (var i = 1; i < events / 2; i++)
        {
            var to = i % 2 == 1 ? second : first;
            await system.Admin.RerouteSessionAsync(sessionId, new RerouteSessionBody { ToMitraId = to.Id, Reason = "benchmark", Force = true });
        }
        return sessionId;
    }
}

/// <summary>The two measured calls; state is set by <see cref="HistoryReplay"/> (BenchmarkDotNet runs them in this process).</summary>
public class HistoryBenchmarks
{
    internal static IDocumentStore Store { get; set; } = null!;

    internal static Guid SessionId { get; set; }

    internal static HttpClient Http { get; set; } = null!;

    [Benchmark(Baseline = true)]
    public async Task<Domain.Sessions.Session?> RawAggregateStream()
    {
        await using var session = Store.QuerySession();
        return await session.Events.AggregateStreamAsync<Domain.Sessions.Session>(SessionId);
    }

    [Benchmark]
    public async Task<byte[]> HistoryEndpoint() =>
        await Http.GetByteArrayAsync($"/api/internal/sessions/{SessionId}/history");
}
