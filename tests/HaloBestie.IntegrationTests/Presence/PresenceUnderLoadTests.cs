using System.Collections.Concurrent;
using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using HaloBestie.Domain.Mitras;
using HaloBestie.Infrastructure.Workers;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using SetMitraStatus = HaloBestie.Clients.Public.SetMitraStatus;

namespace HaloBestie.IntegrationTests.Presence;

/// <summary>Real time, short settings (heartbeat every 1 s, timeout 3 s), two public instances each running the sweeper.</summary>
public class PresenceUnderLoadTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

    private Task UseShortHeartbeatSettingsAsync() =>
        hosts.ChangeSettingsAsync(s => (s.HeartbeatIntervalSeconds, s.HeartbeatTimeoutSeconds) = (1, (int)Timeout.TotalSeconds));

    [Fact]
    public async Task Heartbeat_when_fifty_mitras_beat_through_two_hosts_keeps_them_online_then_each_times_out_once()
    {
        await UseShortHeartbeatSettingsAsync();
        var second = hosts.AnotherPublicHost();
        var admin = await hosts.AdminAsync();
        var mitras = new List<(PublicApiClient Client, string Token, Guid MitraId, string Phone)>();
        for (var i = 0; i < 50; i++)
            mitras.Add(await hosts.NewSignedInMitraAsync(admin));
        var apps = mitras.Select((m, i) => (m.MitraId, App: i % 2 == 0 ? m.Client : HostsFixture.PublicOn(second, m.Token))).ToList();
        await Task.WhenAll(apps.Select(a => a.App.SetMitraStatusAsync(new SetMitraStatus { Online = true })));

        // 6 s of heartbeats every second, twice the timeout, while both sweepers run. The last
        // round notes when each mitra's last heartbeat was answered: its deadline counts from there.
        var lastAnswered = new ConcurrentDictionary<Guid, DateTime>();
        for (var round = 0; round < 6; round++)
        {
            if (round > 0)
                await Task.Delay(1000);
            await Task.WhenAll(apps.Select(async a =>
            {
                await a.App.RecordHeartbeatAsync();
                lastAnswered[a.MitraId] = DateTime.UtcNow;
            }));
        }
        var during = await Task.WhenAll(apps.Select(a => a.App.GetMyMitraProfileAsync()));
        during.Should().OnlyContain(m => m.Online, "no spurious offline while heartbeats arrive");

        // Each mitra must be seen offline within timeout + 5 s of its own last answered heartbeat.
        // A read that answers "offline" at time t proves the mitra went offline at or before t.
        var seenOfflineAt = new ConcurrentDictionary<Guid, DateTime>();
        var lastDeadline = lastAnswered.Values.Max() + Timeout + Slack;
        while (seenOfflineAt.Count < apps.Count && DateTime.UtcNow < lastDeadline)
        {
            await Task.WhenAll(apps.Where(a => !seenOfflineAt.ContainsKey(a.MitraId)).Select(async a =>
            {
                if (!(await a.App.GetMyMitraProfileAsync()).Online)
                    seenOfflineAt.TryAdd(a.MitraId, DateTime.UtcNow);
            }));
            await Task.Delay(200);
        }

        apps.Where(a => !seenOfflineAt.ContainsKey(a.MitraId)).Should().BeEmpty("every mitra is offline within timeout + 5 s of its last heartbeat");
        foreach (var (mitraId, _) in apps)
            (seenOfflineAt[mitraId] - lastAnswered[mitraId]).Should().BeLessThanOrEqualTo(Timeout + Slack, "mitra {0} went offline within timeout + 5 s of its last answered heartbeat", mitraId);
        await Task.Delay(PresenceSweeper.Interval * 2.5); // both sweepers have run again since
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        foreach (var (mitraId, _) in apps)
        {
            var events = (await session.Events.FetchStreamAsync(mitraId)).Select(e => e.Data).ToList();
            events.OfType<MitraWentOnline>().Should().ContainSingle();
            events.OfType<MitraWentOffline>().Should().ContainSingle().Which.Reason.Should().Be("heartbeat-timeout");
        }
    }
}
