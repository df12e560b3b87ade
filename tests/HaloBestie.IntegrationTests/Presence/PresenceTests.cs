using System.Text.Json;
using HaloBestie.Application.Presence;
using HaloBestie.Clients.Internal;
using HaloBestie.Domain.Mitras;
using HaloBestie.Infrastructure.Workers;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;
using SetMitraStatus = HaloBestie.Clients.Public.SetMitraStatus;

namespace HaloBestie.IntegrationTests.Presence;

/// <summary>Presence on a fake clock: the test moves time, the real sweeper (every real second) acts on it.</summary>
public class PresenceTests(FakeClockHostsFixture hosts) : IClassFixture<FakeClockHostsFixture>
{
    private static readonly TimeSpan SweeperSlack = TimeSpan.FromSeconds(5);

    private async Task<List<MitraWentOffline>> OfflineEventsAsync(Guid mitraId)
    {
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(mitraId)).Select(e => e.Data).OfType<MitraWentOffline>().ToList();
    }

    [Fact]
    public async Task Heartbeat_when_it_stops_for_the_timeout_takes_the_mitra_offline_with_heartbeat_timeout()
    {
        var (app, token, mitraId, _) = await hosts.NewSignedInMitraAsync();
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);
        (await app.SetMitraStatusAsync(new SetMitraStatus { Online = true })).Online.Should().BeTrue();

        hosts.Clock!.Advance(TimeSpan.FromSeconds(60));
        await app.RecordHeartbeatAsync();
        hosts.Clock.Advance(TimeSpan.FromSeconds(89));
        await Task.Delay(PresenceSweeper.Interval * 2.5);
        (await app.GetMyMitraProfileAsync()).Online.Should().BeTrue("89 s after the last heartbeat is within the 90 s timeout");

        hosts.Clock.Advance(TimeSpan.FromSeconds(2));
        (await Wait.Eventually(async () => !(await app.GetMyMitraProfileAsync()).Online, SweeperSlack)).Should().BeTrue();

        (await OfflineEventsAsync(mitraId)).Should().ContainSingle().Which.Reason.Should().Be("heartbeat-timeout");
        var offline = await stream.NextAsync();
        offline!.Type.Should().Be("presence.offline");
        JsonDocument.Parse(offline.Data).RootElement.GetProperty("reason").GetString().Should().Be("heartbeat-timeout");
        (await ProblemOf(() => app.RecordHeartbeatAsync())).Should().BeEquivalentTo(new { Status = 409, Name = "conflict" }, o => o.ExcludingMissingMembers());
    }

    [Fact]
    public async Task Heartbeat_when_offline_returns_409_from_a_client_403_and_without_token_401()
    {
        var (app, _, _, _) = await hosts.NewSignedInMitraAsync();
        (await ProblemOf(() => app.RecordHeartbeatAsync())).Status.Should().Be(409);

        var client = hosts.PublicAs(FirebaseTokens.Emulator("uid-" + Guid.NewGuid().ToString("N"), "google.com"));
        await client.SignInClientAsync();
        (await ProblemOf(() => client.RecordHeartbeatAsync())).Should().BeEquivalentTo(new { Status = 403, Name = "not-a-mitra" }, o => o.ExcludingMissingMembers());

        (await ProblemOf(() => hosts.AnonymousPublic().RecordHeartbeatAsync())).Status.Should().Be(401);
    }

    [Fact]
    public async Task ReportAppLifecycle_when_closed_goes_offline_at_once_and_when_backgrounded_not()
    {
        var (app, token, mitraId, _) = await hosts.NewSignedInMitraAsync();
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });

        await app.ReportAppLifecycleAsync(new HaloBestie.Clients.Public.ReportAppLifecycle { State = HaloBestie.Clients.Public.ReportAppLifecycleState.Background });
        (await app.GetMyMitraProfileAsync()).Online.Should().BeTrue();

        await app.ReportAppLifecycleAsync(new HaloBestie.Clients.Public.ReportAppLifecycle { State = HaloBestie.Clients.Public.ReportAppLifecycleState.Closed });
        (await app.GetMyMitraProfileAsync()).Online.Should().BeFalse();
        (await OfflineEventsAsync(mitraId)).Should().ContainSingle().Which.Reason.Should().Be("app-closed");

        using var http = hosts.Public.CreateClient(); // a state the typed client cannot send
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var asleep = await http.PostAsync("/api/mitra/lifecycle", new StringContent("""{"state":"asleep"}""", System.Text.Encoding.UTF8, "application/json"));
        Parse((int)asleep.StatusCode, await asleep.Content.ReadAsStringAsync()).Name.Should().Be("validation");
    }

    [Fact]
    public async Task SetStatus_when_online_or_offline_twice_records_one_transition_each()
    {
        var (app, _, mitraId, _) = await hosts.NewSignedInMitraAsync();

        var first = await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        var again = await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = false });
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = false });

        again.Since.Should().Be(first.Since);
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        var events = (await session.Events.FetchStreamAsync(mitraId)).Select(e => e.Data.GetType()).ToList();
        events.Count(t => t == typeof(MitraWentOnline)).Should().Be(1);
        events.Count(t => t == typeof(MitraWentOffline)).Should().Be(1);
        (await OfflineEventsAsync(mitraId)).Single().Reason.Should().Be("manual");
    }

    [Fact]
    public async Task Presence_when_a_mitra_uses_two_devices_follows_the_account_and_tells_every_device_it_went_offline()
    {
        var (phone, token, _, _) = await hosts.NewSignedInMitraAsync();
        var tablet = hosts.PublicAs(token); // the same account on a second installation
        await phone.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        await using var phoneStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);
        await using var tabletStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);

        // The phone goes to the background; the tablet stays active and heartbeats: still online and offered requests.
        await phone.ReportAppLifecycleAsync(new HaloBestie.Clients.Public.ReportAppLifecycle { State = HaloBestie.Clients.Public.ReportAppLifecycleState.Background });
        await tablet.RecordHeartbeatAsync();
        (await tablet.GetMyMitraProfileAsync()).Should().BeEquivalentTo(new { Online = true, Available = true }, o => o.ExcludingMissingMembers());
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var request = await client.RequestPairingAsync(new HaloBestie.Clients.Public.RequestPairing());
        (await tabletStream.NextOfTypeAsync("pairing.offered")).Data.Should().Contain(request.Id.ToString());
        await client.CancelPairingRequestAsync(request.Id);

        // The phone's app is closed: the account goes offline, and the tablet is told so.
        await phone.ReportAppLifecycleAsync(new HaloBestie.Clients.Public.ReportAppLifecycle { State = HaloBestie.Clients.Public.ReportAppLifecycleState.Closed });

        (await tabletStream.NextOfTypeAsync("presence.offline")).Data.Should().Contain("app-closed");
        (await phoneStream.NextOfTypeAsync("presence.offline")).Data.Should().Contain("app-closed");
        (await tablet.GetMyMitraProfileAsync()).Online.Should().BeFalse();
        await tablet.SetMitraStatusAsync(new SetMitraStatus { Online = false }); // already offline: nothing more
        await tablet.SetMitraStatusAsync(new SetMitraStatus { Online = true });  // the tablet's user goes online again
        (await tablet.GetMyMitraProfileAsync()).Online.Should().BeTrue();
    }

    [Fact]
    public async Task ForceOffline_when_the_mitra_is_online_tells_the_app_and_is_audited()
    {
        var (app, token, mitraId, _) = await hosts.NewSignedInMitraAsync();
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);
        var (staff, me) = await hosts.NewStaffAsync();

        (await staff.ForceMitraOfflineAsync(mitraId, new ForceMitraOfflineBody { Reason = "unresponsive" })).WasOnline.Should().BeTrue();

        (await stream.NextAsync())!.Type.Should().Be("presence.offline");
        (await OfflineEventsAsync(mitraId)).Single().Reason.Should().Be("forced-by-staff");
        (await staff.ListAuditEntriesAsync(me.Id, null, null, null, null)).Items.Should().Contain(e => e.Action == "mitra.forced-offline" && e.Detail == "unresponsive");
        (await staff.ForceMitraOfflineAsync(mitraId, new ForceMitraOfflineBody { Reason = "again" })).WasOnline.Should().BeFalse();
    }

    [Fact]
    public async Task Deactivate_when_the_mitra_is_online_takes_it_offline_tells_the_app_and_closes_its_stream()
    {
        var (app, token, mitraId, _) = await hosts.NewSignedInMitraAsync();
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);

        await (await hosts.AdminAsync()).DeactivateMitraAsync(mitraId, new DeactivateMitraBody { Reason = "left" });

        var offline = await stream.NextAsync();
        offline!.Type.Should().Be("presence.offline");
        offline.Data.Should().Contain("deactivated");
        (await stream.NextAsync()).Should().BeNull("the stream of a deactivated mitra is closed");
        (await OfflineEventsAsync(mitraId)).Single().Reason.Should().Be("deactivated");
        (await ProblemOf(() => app.SetMitraStatusAsync(new SetMitraStatus { Online = true }))).Name.Should().Be("mitra-inactive");
        (await ProblemOf(() => app.RecordHeartbeatAsync())).Name.Should().Be("mitra-inactive");
    }

    [Fact]
    public async Task SetCapacity_when_overridden_shows_with_availability_in_the_app_and_the_list()
    {
        var (app, _, mitraId, phone) = await hosts.NewSignedInMitraAsync();
        var (staff, _) = await hosts.NewStaffAsync();

        (await app.GetMyMitraProfileAsync()).Should().BeEquivalentTo(new { Online = false, Available = false, Capacity = 3, ActiveSessions = 0 }, o => o.ExcludingMissingMembers());
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        (await staff.SetMitraCapacityAsync(mitraId, new SetMitraCapacityBody { MaxCustomers = 5 })).Capacity.Should().Be(5);

        (await app.GetMyMitraProfileAsync()).Should().BeEquivalentTo(new { Online = true, Available = true, Capacity = 5 }, o => o.ExcludingMissingMembers());
        (await staff.ListMitrasAsync(phone, null, true, null, null)).Items.Should().ContainSingle().Which.Available.Should().BeTrue();
        (await staff.ListMitrasAsync(phone, null, false, null, null)).Items.Should().BeEmpty();

        (await staff.SetMitraCapacityAsync(mitraId, new SetMitraCapacityBody { MaxCustomers = null })).Capacity.Should().Be(3);
        (await ProblemOf(() => staff.SetMitraCapacityAsync(mitraId, new SetMitraCapacityBody { MaxCustomers = 0 }))).Errors.Should().ContainKey("maxCustomers");
    }

    [Fact]
    public async Task Heartbeat_when_valkey_lost_everything_keeps_the_mitra_online_and_silence_times_out()
    {
        var (talker, _, talkerId, _) = await hosts.NewSignedInMitraAsync();
        var (silent, _, silentId, _) = await hosts.NewSignedInMitraAsync();
        await talker.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        await silent.SetMitraStatusAsync(new SetMitraStatus { Online = true });

        // A Valkey restarted empty, as far as this deployment's keys go.
        var valkey = await ConnectionMultiplexer.ConnectAsync(hosts.Servers.Valkey);
        var server = valkey.GetServers()[0];
        foreach (var key in server.Keys(pattern: hosts.KeyPrefix + "presence:*").ToList())
            await valkey.GetDatabase().KeyDeleteAsync(key);
        await valkey.DisposeAsync();

        await talker.RecordHeartbeatAsync();
        (await talker.GetMyMitraProfileAsync()).Online.Should().BeTrue();

        var presence = hosts.Public.Services.GetRequiredService<IPresenceStore>();
        (await Wait.Eventually(() => presence.IsOnlineAsync(silentId), TimeSpan.FromSeconds(8))).Should().BeTrue("the sweeper restores what the stream says is online");
        // The talker keeps heartbeating (every 60 s of fake time), the silent one does not.
        hosts.Clock!.Advance(TimeSpan.FromSeconds(60));
        await talker.RecordHeartbeatAsync();
        hosts.Clock.Advance(TimeSpan.FromSeconds(31));
        await talker.RecordHeartbeatAsync();

        (await Wait.Eventually(async () => !(await silent.GetMyMitraProfileAsync()).Online, SweeperSlack)).Should().BeTrue();
        (await OfflineEventsAsync(silentId)).Single().Reason.Should().Be("heartbeat-timeout");
        (await OfflineEventsAsync(talkerId)).Should().BeEmpty();
        (await talker.GetMyMitraProfileAsync()).Online.Should().BeTrue();
    }

    [Fact]
    public async Task OnlineLogs_when_periods_are_closed_list_them_with_reasons_seconds_and_daily_totals()
    {
        // The fake clock drives the public host only; the internal host answers on real time,
        // so this test closes every period it opens (an open period: OnlineLogTests).
        var (app, _, mitraId, _) = await hosts.NewSignedInMitraAsync();
        var (staff, _) = await hosts.NewStaffAsync();
        var from = hosts.Clock!.GetUtcNow();

        // Online stretches stay under the 90 s heartbeat timeout, so the sweeper never races the test.
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        hosts.Clock.Advance(TimeSpan.FromSeconds(60));
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = false });
        hosts.Clock.Advance(TimeSpan.FromMinutes(5));
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        hosts.Clock.Advance(TimeSpan.FromSeconds(30));
        await app.ReportAppLifecycleAsync(new HaloBestie.Clients.Public.ReportAppLifecycle { State = HaloBestie.Clients.Public.ReportAppLifecycleState.Closed });

        var logs = await staff.GetMitraOnlineLogsAsync(mitraId, from.AddMinutes(-1), hosts.Clock.GetUtcNow().AddMinutes(1));

        logs.TimeZone.Should().Be("Asia/Jakarta");
        logs.Periods.Select(p => (p.Reason, p.Seconds)).Should().Equal(("app-closed", 30L), ("manual", 60L));
        logs.DailyTotals.Sum(d => d.Seconds).Should().Be(90);
        (await ProblemOf(() => staff.GetMitraOnlineLogsAsync(Guid.NewGuid(), null, null))).Status.Should().Be(404);
    }
}
