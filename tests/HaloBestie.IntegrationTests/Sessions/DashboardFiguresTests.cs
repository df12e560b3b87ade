using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Sessions;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.Time.Testing;

namespace HaloBestie.IntegrationTests.Sessions;

/// <summary>
/// Both hosts on a fake clock that starts at noon UTC yesterday; the test moves it on to the moment it needs. Yesterday
/// rather than a fixed date: staff tokens are issued on the fake clock, but JwtBearer checks their expiry against the
/// machine's, so they are made to last three days, longer than the fake clock can lag behind.
/// </summary>
public sealed class YesterdayClockFixture : HostsFixture
{
    public YesterdayClockFixture()
    {
        Yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        Clock = new FakeTimeProvider(new DateTimeOffset(Yesterday, new TimeOnly(12, 0), TimeSpan.Zero));
    }

    /// <summary>The UTC date the clock starts on.</summary>
    public DateOnly Yesterday { get; }

    protected override bool InternalHostOnClock => true;

    protected override IReadOnlyDictionary<string, string> HostSettings => new Dictionary<string, string> { ["ControlCenter:TokenLifetimeMinutes"] = "4320" };
}

/// <summary>23:59:30 in Jakarta: the scenario happens in the last seconds of the day, which is still today.</summary>
public sealed class DashboardFiguresJustBeforeMidnightInJakartaTests(YesterdayClockFixture hosts)
    : DashboardFiguresTests(hosts, new TimeOnly(16, 59, 30), today: hosts.Yesterday), IClassFixture<YesterdayClockFixture>;

/// <summary>00:00:30 in Jakarta: the scenario happens in the first seconds of a new day, already dated the next day.</summary>
public sealed class DashboardFiguresJustAfterMidnightInJakartaTests(YesterdayClockFixture hosts)
    : DashboardFiguresTests(hosts, new TimeOnly(17, 0, 30), today: hosts.Yesterday.AddDays(1)), IClassFixture<YesterdayClockFixture>;

/// <summary>
/// The figures of one scenario, read through the dashboard beside midnight in Asia/Jakarta (UTC+7, the default zone),
/// where "today" begins: the scenario starts at <paramref name="utcTime"/> UTC on the fixture's date, and the clock
/// moves only as the test moves it (14 s in all, less than any timer of the scenario). Each class has its own fixture,
/// so the figures count exactly this scenario.
/// </summary>
public abstract class DashboardFiguresTests(YesterdayClockFixture hosts, TimeOnly utcTime, DateOnly today)
{
    [Fact]
    public async Task Dashboard_when_read_equals_counts_computed_independently_from_the_events()
    {
        var start = new DateTimeOffset(hosts.Yesterday, utcTime, TimeSpan.Zero);
        var clock = hosts.Clock!;
        clock.SetUtcNow(start);
        void Pass(int seconds) => clock.Advance(TimeSpan.FromSeconds(seconds)); // 14 s in all: the scenario stays on its side of midnight
        var admin = await hosts.AdminAsync();
        var (m1, _, m1Id) = await hosts.NewOnlineMitraAsync(admin);
        var (m2, _, _) = await hosts.NewOnlineMitraAsync(admin);
        var (m3, _, _) = await hosts.NewOnlineMitraAsync(admin);
        await admin.SetMitraCapacityAsync(m1Id, new SetMitraCapacityBody { MaxCustomers = 1 });

        var (c1, _, _) = await hosts.NewRegisteredClientAsync();
        var r1 = await c1.RequestPairingAsync(new RequestPairing());
        Pass(3);
        await m1.AcceptPairingRequestAsync(r1.Id);                                                           // matched after 3 s, still active, m1 full
        var (c2, _, _) = await hosts.NewRegisteredClientAsync();
        var r2 = await c2.RequestPairingAsync(new RequestPairing());
        Pass(5);
        var s2 = await m2.AcceptPairingRequestAsync(r2.Id);
        Pass(6);
        await c2.EndMySessionAsync(s2.SessionId, null);                                                      // matched after 5 s, ended after 6 s
        var (c3, _, _) = await hosts.NewRegisteredClientAsync();
        await c3.CancelPairingRequestAsync((await c3.RequestPairingAsync(new RequestPairing())).Id);         // cancelled
        var (c4, _, _) = await hosts.NewRegisteredClientAsync();
        var r4 = await c4.RequestPairingAsync(new RequestPairing());
        await m2.DeclinePairingRequestAsync(r4.Id);
        await m3.DeclinePairingRequestAsync(r4.Id);                                                          // expired: no-bestie
        var (c5, _, _) = await hosts.NewRegisteredClientAsync();
        await c5.RequestPairingAsync(new RequestPairing());                                                  // still searching

        var figures = await admin.GetDashboardAsync(); // the first read of this host: nothing cached

        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        var events = await session.Events.QueryAllRawEvents().ToListAsync();
        int Count<T>() => events.Count(e => e.Data is T);
        var requested = events.Select(e => e.Data).OfType<PairingRequested>().ToDictionary(e => e.RequestId, e => e.At);
        var waits = events.Select(e => e.Data).OfType<PairingAccepted>().Select(e => (e.At - requested[e.RequestId]).TotalSeconds).Order().ToList();
        var started = events.Select(e => e.Data).OfType<SessionStarted>().ToDictionary(e => e.SessionId, e => e.At);
        var lengths = events.Select(e => e.Data).OfType<SessionEnded>().Select(e => (e.At - started[e.SessionId]).TotalMinutes).ToList();

        figures.At.Should().Be(start.AddSeconds(14), "the dashboard reads the fake clock");
        DateOnly.FromDateTime(figures.Today.Date.DateTime).Should().Be(today, "today is the date in Jakarta");
        figures.MitrasOnline.Should().Be(Count<MitraWentOnline>() - Count<MitraWentOffline>()).And.Be(3);
        figures.MitrasAtCapacity.Should().Be(1);
        figures.MitrasAvailable.Should().Be(2);
        figures.ClientsSearching.Should().Be(Count<PairingRequested>() - Count<PairingAccepted>() - Count<PairingCancelled>() - Count<PairingExpired>()).And.Be(1);
        figures.ActiveSessions.Should().Be(Count<SessionStarted>() - Count<SessionEnded>()).And.Be(1);
        figures.Today.PairingRequests.Should().Be(Count<PairingRequested>()).And.Be(5);
        figures.Today.Matched.Should().Be(Count<PairingAccepted>()).And.Be(2);
        figures.Today.Cancelled.Should().Be(Count<PairingCancelled>()).And.Be(1);
        figures.Today.Expired.Should().Be(Count<PairingExpired>()).And.Be(1);
        figures.Today.MatchRate.Should().BeApproximately(2.0 / 5, 0.0001);
        figures.Today.MedianWaitSeconds.Should().BeApproximately(NearestRank(waits, 0.5)!.Value, 0.011).And.Be(3);
        figures.Today.P90WaitSeconds.Should().BeApproximately(NearestRank(waits, 0.9)!.Value, 0.011).And.Be(5);
        figures.Today.SessionsEnded.Should().Be(Count<SessionEnded>()).And.Be(1);
        figures.Today.AverageSessionMinutes.Should().BeApproximately(Math.Round(lengths.Average(), 2), 0.011).And.Be(0.1);
    }

    /// <summary>The nearest-rank percentile (control-center.md): the value at position ⌈p × n⌉ of the sorted values.</summary>
    private static double? NearestRank(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)], 2);
}
