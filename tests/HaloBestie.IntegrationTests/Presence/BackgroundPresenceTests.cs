using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HaloBestie.Clients.Public;
using HaloBestie.Domain.Mitras;
using HaloBestie.Infrastructure.Workers;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;

namespace HaloBestie.IntegrationTests.Presence;

/// <summary>
/// Reachable in the background (issue 16 item 0, PRODUCT.md §10): a mitra whose app reported
/// <c>background</c> and who has a registered device stays online without heartbeats for
/// <c>backgroundReachableMinutes</c> (15 by default), then goes offline with
/// <c>background-timeout</c>, once, with two public instances sweeping.
/// </summary>
public class BackgroundPresenceTests(FakeClockHostsFixture hosts) : IClassFixture<FakeClockHostsFixture>
{
    private static readonly TimeSpan SweeperSlack = TimeSpan.FromSeconds(5);

    private async Task<List<MitraWentOffline>> OfflineEventsAsync(Guid mitraId)
    {
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(mitraId)).Select(e => e.Data).OfType<MitraWentOffline>().ToList();
    }

    private async Task RegisterDeviceAsync(string token)
    {
        using var http = hosts.Public.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/mitra/devices/inst-{Guid.NewGuid():N}")
        {
            Content = JsonContent.Create(new { fcmToken = $"fcm-{Guid.NewGuid():N}", platform = "android" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        ((int)response.StatusCode).Should().Be(200);
    }

    private static Task ReportAsync(PublicApiClient app, ReportAppLifecycleState state) =>
        app.ReportAppLifecycleAsync(new ReportAppLifecycle { State = state });

    [Fact]
    public async Task Background_when_the_mitra_has_a_device_stays_online_past_the_heartbeat_timeout_then_goes_offline_once()
    {
        _ = hosts.AnotherPublicHost(); // a second sweeper over the same Valkey and schema
        var (app, token, mitraId, _) = await hosts.NewSignedInMitraAsync();
        await RegisterDeviceAsync(token);
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });

        await ReportAsync(app, ReportAppLifecycleState.Background);
        hosts.Clock!.Advance(TimeSpan.FromMinutes(14));
        await Task.Delay(PresenceSweeper.Interval * 2.5);

        var me = await app.GetMyMitraProfileAsync();
        me.Online.Should().BeTrue("14 minutes without a heartbeat are within the 15 reachable in the background");
        me.Available.Should().BeTrue("a backgrounded mitra is still offered requests, by push");
        me.BackgroundUntil.Should().NotBeNull();
        (await (await hosts.AdminAsync()).GetDashboardAsync()).MitrasInBackground.Should().BeGreaterThanOrEqualTo(1);

        hosts.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(2));
        (await Wait.Eventually(async () => !(await app.GetMyMitraProfileAsync()).Online, SweeperSlack)).Should().BeTrue();
        await Task.Delay(PresenceSweeper.Interval * 2.5); // both sweepers have had their turn

        (await OfflineEventsAsync(mitraId)).Should().ContainSingle().Which.Reason.Should().Be(OfflineReasons.BackgroundTimeout);
        var offline = await stream.NextOfTypeAsync("presence.offline");
        JsonDocument.Parse(offline.Data).RootElement.GetProperty("reason").GetString().Should().Be("background-timeout");
        (await app.GetMyMitraProfileAsync()).BackgroundUntil.Should().BeNull();
    }

    [Fact]
    public async Task Background_when_the_mitra_has_no_device_keeps_the_heartbeat_rule()
    {
        var (app, _, mitraId, _) = await hosts.NewSignedInMitraAsync();
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });

        await ReportAsync(app, ReportAppLifecycleState.Background);
        (await app.GetMyMitraProfileAsync()).BackgroundUntil.Should().BeNull("no push could reach it");
        hosts.Clock!.Advance(TimeSpan.FromSeconds(91));

        (await Wait.Eventually(async () => !(await app.GetMyMitraProfileAsync()).Online, SweeperSlack)).Should().BeTrue();
        (await OfflineEventsAsync(mitraId)).Should().ContainSingle().Which.Reason.Should().Be(OfflineReasons.HeartbeatTimeout);
    }

    [Fact]
    public async Task Foreground_after_background_returns_the_mitra_to_the_heartbeat_rule()
    {
        var (app, token, mitraId, _) = await hosts.NewSignedInMitraAsync();
        await RegisterDeviceAsync(token);
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        await ReportAsync(app, ReportAppLifecycleState.Background);
        hosts.Clock!.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(PresenceSweeper.Interval * 2.5);
        (await app.GetMyMitraProfileAsync()).Online.Should().BeTrue();

        await ReportAsync(app, ReportAppLifecycleState.Foreground);
        (await app.GetMyMitraProfileAsync()).BackgroundUntil.Should().BeNull();
        hosts.Clock.Advance(TimeSpan.FromSeconds(91));

        (await Wait.Eventually(async () => !(await app.GetMyMitraProfileAsync()).Online, SweeperSlack)).Should().BeTrue();
        (await OfflineEventsAsync(mitraId)).Should().ContainSingle().Which.Reason.Should().Be(OfflineReasons.HeartbeatTimeout);
    }
}
