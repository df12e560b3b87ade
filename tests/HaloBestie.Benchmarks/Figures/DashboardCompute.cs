using System.Diagnostics;
using HaloBestie.Application.Dashboard;
using HaloBestie.Benchmarks.Harness;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Sessions;
using HaloBestie.Infrastructure.Persistence;
using JasperFx;
using Marten;

namespace HaloBestie.Benchmarks.Figures;

/// <summary>
/// The control-center dashboard over a busy day: N pairing requests made today (each offered to
/// 50 mitras, 70 % matched, their sessions ended today), written straight into the event store.
/// Measured: one <see cref="DashboardFigures.ComputeAsync"/> in this process (each instance
/// computes it at most twice a second, whatever the number of screens), against reading the same
/// day's rows as whole documents (how it was computed before); then
/// <c>GET /api/internal/dashboard</c> polled by 50 screens every 5 s on the published host.
/// </summary>
public static class DashboardCompute
{
    private const int OfferedPerRequest = 50;
    private const int Screens = 50;

    public static async Task RunAsync(BenchSystem system, Sizes sizes, Report report)
    {
        await using var store = DocumentStore.For(o =>
        {
            o.Connection(system.Postgres);
            MartenSetup.Configure(o, system.Schema, AutoCreate.None);
        });
        var requests = sizes.IsTiny ? 50 : 10_000;
        await SeedDayAsync(store, requests);

        var runs = sizes.IsTiny ? 3 : 30;
        var compute = await TimeAsync(runs, async () =>
        {
            await using var session = store.QuerySession();
            var figures = await DashboardFigures.ComputeAsync(session, DateTimeOffset.UtcNow, CancellationToken.None);
            if (figures.Today.PairingRequests < requests)
                throw new InvalidOperationException($"The dashboard counts {figures.Today.PairingRequests} requests today, fewer than the {requests} seeded.");
        });
        var wholeDocuments = await TimeAsync(runs, async () =>
        {
            await using var session = store.QuerySession();
            var since = DateTimeOffset.UtcNow.AddDays(-1);
            await session.Query<PairingRequest>().Where(r => r.RequestedAt >= since).ToListAsync();
            await session.Query<Session>().Where(s => s.EndedAt >= since).ToListAsync();
        });
        report.Add(new Row(
            $"Dashboard figures, {requests:N0} requests today (each offered to {OfferedPerRequest} mitras), median of {runs}",
            $"{Report.F(Stats.Median(compute), "0.0")} ms",
            $"{Report.F(Stats.Median(wholeDocuments), "0.0")} ms (the same day read as whole documents)",
            "≤ 100 ms (computed at most twice a second per instance: ≤ 20 % of a core)",
            Stats.Median(compute) <= 100,
            "today's figures aggregated by PostgreSQL: one row per table crosses the wire"));

        var polls = await PollAsync(system, TimeSpan.FromSeconds(sizes.IsTiny ? 1 : 20));
        report.Add(new Row(
            $"GET /api/internal/dashboard, {Screens} screens every 5 s",
            $"p50 {Report.F(Stats.Median(polls), "0.0")} ms, p99 {Report.F(Stats.Percentile(polls, 99), "0.0")} ms ({polls.Count} answers)",
            "—",
            "n/a",
            null,
            "served from the one-second cache; one computation per second at most"));
    }

    private static async Task SeedDayAsync(DocumentStore store, int requests)
    {
        var mitras = Enumerable.Range(0, OfferedPerRequest).Select(_ => Guid.CreateVersion7()).ToList();
        var now = DateTimeOffset.UtcNow;
        // Within the last 10 minutes, but never before the start of "today" in the platform's
        // time zone (just after midnight in Jakarta, 17:00 UTC, earlier times are yesterday's).
        string zoneId;
        await using (var query = store.QuerySession())
            zoneId = (await HaloBestie.Application.Settings.SettingsStore.LoadSettingsAsync(query, CancellationToken.None)).TimeZone;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var localNow = TimeZoneInfo.ConvertTime(now, zone);
        var window = (int)Math.Min(600, (localNow - new DateTimeOffset(localNow.Date, localNow.Offset)).TotalSeconds);
        for (var done = 0; done < requests; done += 500)
        {
            await using var session = store.LightweightSession();
            for (var i = done; i < Math.Min(requests, done + 500); i++)
            {
                var requestId = Guid.CreateVersion7();
                var clientId = Guid.CreateVersion7();
                var at = now.AddSeconds(-Random.Shared.Next(0, window + 1));
                object[] events = i % 10 < 7
                    ? [new PairingRequested(requestId, clientId, null, null, at.AddMinutes(2), at), new PairingOffered(requestId, mitras, at),
                        new PairingAccepted(requestId, mitras[i % mitras.Count], Guid.CreateVersion7(), at.AddSeconds(5 + (i % 40)))]
                    : [new PairingRequested(requestId, clientId, null, null, at.AddMinutes(2), at), new PairingOffered(requestId, mitras, at),
                        new PairingExpired(requestId, PairingReasons.Timeout, at.AddMinutes(2))];
                session.Events.StartStream<PairingRequest>(requestId, events);
                if (events[2] is PairingAccepted accepted)
                {
                    session.Events.StartStream<Session>(accepted.SessionId,
                        new SessionStarted(accepted.SessionId, requestId, clientId, accepted.MitraId, accepted.At.AddHours(1), accepted.At),
                        new SessionEnded(accepted.SessionId, SessionActors.Client, clientId, "selesai", accepted.At.AddMinutes(20 + (i % 30))));
                }
            }
            await session.SaveChangesAsync();
        }
    }

    private static async Task<List<double>> TimeAsync(int runs, Func<Task> run)
    {
        for (var i = 0; i < 3; i++)
            await run();
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await run();
            times.Add(Stats.Ms(start, Stopwatch.GetTimestamp()));
        }
        return times;
    }

    /// <summary>Each screen asks every 5 s (first asks spread over the first 5 s), for <paramref name="duration"/>.</summary>
    private static async Task<List<double>> PollAsync(BenchSystem system, TimeSpan duration)
    {
        using var http = BenchSystem.Http(system.Internal!.BaseUrl, system.AdminToken);
        var times = new List<double>();
        var until = DateTime.UtcNow + duration;
        await Task.WhenAll(Enumerable.Range(0, Screens).Select(async screen =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5000.0 * screen / Screens));
            do
            {
                var start = Stopwatch.GetTimestamp();
                using var answer = await http.GetAsync("/api/internal/dashboard");
                answer.EnsureSuccessStatusCode();
                await answer.Content.ReadAsByteArrayAsync();
                lock (times)
                    times.Add(Stats.Ms(start, Stopwatch.GetTimestamp()));
                await Task.Delay(TimeSpan.FromSeconds(5));
            }
            while (DateTime.UtcNow < until);
        }));
        return times;
    }
}
