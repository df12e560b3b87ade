using DashboardCache = HaloBestie.Application.Dashboard.DashboardCache;
using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Sessions;
using HaloBestie.IntegrationTests.Infrastructure;
using JasperFx.Events;
using Marten;

namespace HaloBestie.IntegrationTests.Sessions;

/// <summary>Own schema: the figures must count exactly this scenario.</summary>
public class DashboardTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Dashboard_figures_equal_counts_computed_independently_from_the_events()
    {
        var admin = await hosts.AdminAsync();
        var (m1, _, m1Id) = await hosts.NewOnlineMitraAsync(admin);
        var (m2, _, _) = await hosts.NewOnlineMitraAsync(admin);
        var (m3, _, _) = await hosts.NewOnlineMitraAsync(admin);
        await admin.SetMitraCapacityAsync(m1Id, new SetMitraCapacityBody { MaxCustomers = 1 });

        var (c1, _, _) = await hosts.NewRegisteredClientAsync();
        await m1.AcceptPairingRequestAsync((await c1.RequestPairingAsync(new RequestPairing())).Id);        // matched, still active, m1 full
        var (c2, _, _) = await hosts.NewRegisteredClientAsync();
        var s2 = await m2.AcceptPairingRequestAsync((await c2.RequestPairingAsync(new RequestPairing())).Id);
        await c2.EndMySessionAsync(s2.SessionId, null);                                                      // matched, ended
        var (c3, _, _) = await hosts.NewRegisteredClientAsync();
        await c3.CancelPairingRequestAsync((await c3.RequestPairingAsync(new RequestPairing())).Id);         // cancelled
        var (c4, _, _) = await hosts.NewRegisteredClientAsync();
        var r4 = await c4.RequestPairingAsync(new RequestPairing());
        await m2.DeclinePairingRequestAsync(r4.Id);
        await m3.DeclinePairingRequestAsync(r4.Id);                                                          // expired: no-bestie
        var (c5, _, _) = await hosts.NewRegisteredClientAsync();
        await c5.RequestPairingAsync(new RequestPairing());                                                  // still searching

        await Task.Delay(DashboardCache.MaxAge + TimeSpan.FromMilliseconds(100));
        var figures = await admin.GetDashboardAsync();

        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        var events = await session.Events.QueryAllRawEvents().ToListAsync();
        int Count<T>() => events.Count(e => e.Data is T);
        var requested = events.Select(e => e.Data).OfType<PairingRequested>().ToDictionary(e => e.RequestId, e => e.At);
        var waits = events.Select(e => e.Data).OfType<PairingAccepted>().Select(e => (e.At - requested[e.RequestId]).TotalSeconds).Order().ToList();
        var started = events.Select(e => e.Data).OfType<SessionStarted>().ToDictionary(e => e.SessionId, e => e.At);
        var lengths = events.Select(e => e.Data).OfType<SessionEnded>().Select(e => (e.At - started[e.SessionId]).TotalMinutes).ToList();

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
        figures.Today.MedianWaitSeconds.Should().BeApproximately(HaloBestie.Application.Dashboard.DashboardFigures.Percentile(waits, 0.5)!.Value, 0.011);
        figures.Today.P90WaitSeconds.Should().BeApproximately(HaloBestie.Application.Dashboard.DashboardFigures.Percentile(waits, 0.9)!.Value, 0.011);
        figures.Today.SessionsEnded.Should().Be(Count<SessionEnded>()).And.Be(1);
        figures.Today.AverageSessionMinutes.Should().BeApproximately(Math.Round(lengths.Average(), 2), 0.011);
    }

    [Fact]
    public async Task The_dashboard_stream_pushes_the_figures_and_again_when_they_change()
    {
        var login = await hosts.AnonymousInternal().LogInAsync(new LogIn { Email = HostsFixture.AdminEmail, Password = HostsFixture.AdminPassword });
        var http = hosts.Internal.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(http, "/api/internal/dashboard/events", login.AccessToken);

        var first = await stream.NextAsync();
        first!.Type.Should().Be("dashboard");
        await hosts.NewOnlineMitraAsync();

        var changed = await stream.NextAsync(TimeSpan.FromSeconds(10));
        changed!.Type.Should().Be("dashboard");
        changed.Data.Should().NotBe(first.Data);
    }
}
