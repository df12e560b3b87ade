using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using HaloBestie.Domain.Mitras;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using SetMitraStatus = HaloBestie.Clients.Public.SetMitraStatus;

namespace HaloBestie.IntegrationTests.Presence;

/// <summary>Real time, short settings (heartbeat every 1 s, timeout 3 s), two public instances each running the sweeper.</summary>
public class PresenceUnderLoadTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private async Task UseShortHeartbeatSettingsAsync()
    {
        var admin = await hosts.AdminAsync();
        var s = await admin.GetSettingsAsync();
        await admin.UpdateSettingsAsync(new UpdateSettings
        {
            MaxCustomersPerMitra = s.MaxCustomersPerMitra, PairingTimeoutSeconds = s.PairingTimeoutSeconds,
            HeartbeatIntervalSeconds = 1, HeartbeatTimeoutSeconds = 3,
            SessionDurationMinutes = s.SessionDurationMinutes, TrialSessions = s.TrialSessions, Topics = s.Topics,
            TimeZone = s.TimeZone, Anonymity = s.Anonymity,
        });
    }

    [Fact]
    public async Task Fifty_mitras_heartbeating_through_two_hosts_stay_online_then_each_times_out_exactly_once()
    {
        await UseShortHeartbeatSettingsAsync();
        var second = hosts.AnotherPublicHost();
        var admin = await hosts.AdminAsync();
        var mitras = new List<(PublicApiClient Client, string Token, Guid MitraId, string Phone)>();
        for (var i = 0; i < 50; i++)
            mitras.Add(await hosts.NewSignedInMitraAsync(admin));
        var apps = mitras.Select((m, i) => (m.MitraId, App: i % 2 == 0 ? m.Client : HostsFixture.PublicOn(second, m.Token))).ToList();
        await Task.WhenAll(apps.Select(a => a.App.SetMitraStatusAsync(new SetMitraStatus { Online = true })));

        // 6 s of heartbeats every second, twice the timeout, while both sweepers run.
        for (var round = 0; round < 6; round++)
        {
            await Task.WhenAll(apps.Select(a => a.App.RecordHeartbeatAsync()));
            await Task.Delay(1000);
        }
        var during = await Task.WhenAll(apps.Select(a => a.App.GetMyMitraProfileAsync()));
        during.Should().OnlyContain(m => m.Online, "no spurious offline while heartbeats arrive");

        var stoppedAt = DateTime.UtcNow;
        var deadline = stoppedAt + TimeSpan.FromSeconds(3 + 5);
        while (DateTime.UtcNow < deadline && (await Task.WhenAll(apps.Select(a => a.App.GetMyMitraProfileAsync()))).Any(m => m.Online))
            await Task.Delay(200);

        (await Task.WhenAll(apps.Select(a => a.App.GetMyMitraProfileAsync()))).Should().OnlyContain(m => !m.Online, "silent for timeout + 5 s");
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        foreach (var (mitraId, _) in apps)
        {
            var events = (await session.Events.FetchStreamAsync(mitraId)).Select(e => e.Data).ToList();
            events.OfType<MitraWentOnline>().Should().ContainSingle();
            events.OfType<MitraWentOffline>().Should().ContainSingle().Which.Reason.Should().Be("heartbeat-timeout");
        }
    }
}
