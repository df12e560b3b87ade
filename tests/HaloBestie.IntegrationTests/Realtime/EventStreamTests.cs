using System.Net;
using HaloBestie.Application.Realtime;
using HaloBestie.Clients.Internal;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using SetMitraStatus = HaloBestie.Clients.Public.SetMitraStatus;

namespace HaloBestie.IntegrationTests.Realtime;

public class EventStreamTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Publish_when_the_stream_is_served_by_another_instance_delivers_the_event_there()
    {
        var other = hosts.AnotherPublicHost();
        var (app, token, mitraId, _) = await hosts.NewSignedInMitraAsync();
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        await using var stream = await EventStreamReader.OpenAsync(other.CreateClient(), "/api/mitra/events", token);

        // Published by the internal host, a third process as far as Valkey is concerned.
        await (await hosts.AdminAsync()).ForceMitraOfflineAsync(mitraId, new ForceMitraOfflineBody { Reason = "test" });

        var received = await stream.NextAsync();
        received!.Type.Should().Be("presence.offline");
        received.Id.Should().MatchRegex(@"^\d+-\d+$");
        received.Data.Should().Be("{\"reason\":\"forced-by-staff\"}");
    }

    [Fact]
    public async Task Stream_when_resumed_with_last_event_id_replays_the_missed_events_in_order_once()
    {
        var other = hosts.AnotherPublicHost();
        var (_, token, mitraId, _) = await hosts.NewSignedInMitraAsync();
        var recipient = Recipient.Mitra(mitraId);
        var publishOnFirst = hosts.Public.Services.GetRequiredService<IRealtime>();
        var publishOnSecond = other.Services.GetRequiredService<IRealtime>();

        string lastSeen;
        await using (var first = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token))
        {
            await publishOnFirst.PublishAsync(recipient, new TestEvent(1));
            lastSeen = (await first.NextAsync())!.Id;
        }

        for (var n = 2; n <= 4; n++)
            await publishOnSecond.PublishAsync(recipient, new TestEvent(n));

        await using var resumed = await EventStreamReader.OpenAsync(other.CreateClient(), "/api/mitra/events", token, lastSeen);
        await publishOnFirst.PublishAsync(recipient, new TestEvent(5));

        var events = await resumed.TakeAsync(4);
        events.Select(e => e.Data).Should().Equal("{\"n\":2}", "{\"n\":3}", "{\"n\":4}", "{\"n\":5}");
        events.Select(e => e.Id).Should().OnlyHaveUniqueItems().And.BeInAscendingOrder(StringComparer.Ordinal);
        await FluentActions.Awaiting(() => resumed.NextAsync(TimeSpan.FromSeconds(1))).Should().ThrowAsync<TimeoutException>("nothing is delivered twice");
    }

    [Fact]
    public async Task Stream_when_an_event_was_appended_without_its_wake_up_sends_it_before_the_next_one_once()
    {
        var (_, token, mitraId, _) = await hosts.NewSignedInMitraAsync();
        var realtime = hosts.Public.Services.GetRequiredService<IRealtime>();
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);
        await realtime.PublishAsync(Recipient.Mitra(mitraId), new TestEvent(1));
        (await stream.NextAsync())!.Data.Should().Be("{\"n\":1}", "a wake-up that follows the last sent entry is sent as it came");

        // An entry whose wake-up never arrived (lost with a dropped subscription): the next wake-up
        // does not follow the last sent entry, so the stream reads Valkey and sends both, in order.
        await using (var valkey = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(hosts.Servers.Valkey))
            await valkey.GetDatabase().StreamAddAsync(hosts.KeyPrefix + $"rt:m:{mitraId}", [new("type", TestEvent.Name), new("data", "{\"n\":2}")]);
        await realtime.PublishAsync(Recipient.Mitra(mitraId), new TestEvent(3));

        var events = await stream.TakeAsync(2);
        events.Select(e => e.Data).Should().Equal("{\"n\":2}", "{\"n\":3}");
        events.Select(e => StreamId(e.Id)).Should().OnlyHaveUniqueItems().And.BeInAscendingOrder();
        await FluentActions.Awaiting(() => stream.NextAsync(TimeSpan.FromSeconds(1))).Should().ThrowAsync<TimeoutException>("the wake-up of event 3 is not sent again");
    }

    [Fact]
    public async Task Stream_when_a_burst_of_wake_ups_outruns_it_sends_every_event_once_in_order()
    {
        var (_, token, mitraId, _) = await hosts.NewSignedInMitraAsync();
        var realtime = hosts.Public.Services.GetRequiredService<IRealtime>();
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);

        // Far more wake-ups at once than a stream holds (64): some are dropped, and the stream
        // must read Valkey for what they carried.
        const int burst = 300;
        await Task.WhenAll(Enumerable.Range(1, burst).Select(n => realtime.PublishAsync(Recipient.Mitra(mitraId), new TestEvent(n))));

        var events = await stream.TakeAsync(burst);
        events.Select(e => e.Data).Should().OnlyHaveUniqueItems().And.HaveCount(burst);
        events.Select(e => e.Id).Should().OnlyHaveUniqueItems();
        events.Select(e => StreamId(e.Id)).Should().BeInAscendingOrder("ids of one millisecond differ in their sequence number");
        await FluentActions.Awaiting(() => stream.NextAsync(TimeSpan.FromSeconds(1))).Should().ThrowAsync<TimeoutException>("nothing is delivered twice");
    }

    [Fact]
    public async Task Ready_when_the_last_event_id_is_still_held_says_resumed_and_a_new_stream_says_not()
    {
        var (token, mitraId, lastSeen) = await MitraWhoSawOneEventAsync();
        var realtime = hosts.Public.Services.GetRequiredService<IRealtime>();
        await realtime.PublishAsync(Recipient.Mitra(mitraId), new TestEvent(2));

        await using var resumed = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token, lastSeen);

        resumed.Resumed.Should().BeTrue();
        (await resumed.NextAsync())!.Data.Should().Be("{\"n\":2}");
    }

    [Fact]
    public async Task Ready_when_the_last_event_id_is_older_than_the_replay_window_says_not_resumed_and_replays_nothing()
    {
        var (_, token, mitraId, _) = await hosts.NewSignedInMitraAsync();
        var realtime = hosts.Public.Services.GetRequiredService<IRealtime>();
        await realtime.PublishAsync(Recipient.Mitra(mitraId), new TestEvent(1));
        var sixMinutesAgo = $"{DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeMilliseconds()}-0";

        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token, sixMinutesAgo);

        stream.Resumed.Should().BeFalse("events before the window may be missing: the app reloads");
        await realtime.PublishAsync(Recipient.Mitra(mitraId), new TestEvent(2));
        (await stream.NextAsync())!.Data.Should().Be("{\"n\":2}", "only new events follow a stream that did not resume");
    }

    [Fact]
    public async Task Ready_when_valkey_lost_the_events_since_the_last_event_id_says_not_resumed()
    {
        var (token, mitraId, lastSeen) = await MitraWhoSawOneEventAsync();
        await hosts.Public.Services.GetRequiredService<IRealtime>().PublishAsync(Recipient.Mitra(mitraId), new TestEvent(2)); // missed, then lost
        // What a Valkey restart does to the app's events (the replay buffer is in memory only).
        await using (var valkey = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(hosts.Servers.Valkey))
            (await valkey.GetDatabase().KeyDeleteAsync(hosts.KeyPrefix + $"rt:m:{mitraId}")).Should().BeTrue();

        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token, lastSeen);

        stream.Resumed.Should().BeFalse("event 2 can no longer be replayed");
    }

    [Fact]
    public async Task Stream_when_opened_without_last_event_id_starts_with_new_events_only()
    {
        var (_, token, mitraId, _) = await hosts.NewSignedInMitraAsync();
        var realtime = hosts.Public.Services.GetRequiredService<IRealtime>();
        await realtime.PublishAsync(Recipient.Mitra(mitraId), new TestEvent(1));

        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);
        await realtime.PublishAsync(Recipient.Mitra(mitraId), new TestEvent(2));

        (await stream.NextAsync())!.Data.Should().Be("{\"n\":2}");
    }

    [Fact]
    public async Task Stream_when_opened_without_a_token_or_by_the_wrong_caller_returns_401_or_403()
    {
        var http = hosts.Public.CreateClient();
        (await http.GetAsync("/api/mitra/events")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var clientToken = FirebaseTokens.Emulator("uid-" + Guid.NewGuid().ToString("N"), "google.com");
        await hosts.PublicAs(clientToken).SignInClientAsync();
        var refused = await FluentActions.Awaiting(() => EventStreamReader.OpenAsync(http, "/api/mitra/events", clientToken)).Should().ThrowAsync<HttpRequestException>();
        refused.Which.StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var (_, mitraToken, _, _) = await hosts.NewSignedInMitraAsync();
        (await FluentActions.Awaiting(() => EventStreamReader.OpenAsync(http, "/api/client/events", mitraToken)).Should().ThrowAsync<HttpRequestException>())
            .Which.StatusCode.Should().Be(HttpStatusCode.Forbidden);

        await using var clientStream = await EventStreamReader.OpenAsync(http, "/api/client/events", clientToken);
    }

    [Fact]
    public async Task Stream_when_opened_tells_caches_and_proxies_to_pass_it_on_unbuffered()
    {
        var (_, mitraToken, _, _) = await hosts.NewSignedInMitraAsync();
        var (_, clientToken, _) = await hosts.NewRegisteredClientAsync();
        var login = await hosts.AnonymousInternal().LogInAsync(new LogIn { Email = HostsFixture.AdminEmail, Password = HostsFixture.AdminPassword });

        await using var mitra = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", mitraToken);
        await using var client = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/client/events", clientToken);
        await using var dashboard = await EventStreamReader.OpenAsync(hosts.Internal.CreateClient(), "/api/internal/dashboard/events", login.AccessToken);

        foreach (var stream in new[] { mitra, client, dashboard })
        {
            stream.Header("Content-Type").Should().Be("text/event-stream");
            stream.Header("Cache-Control")!.Split(", ").Should().BeEquivalentTo("no-cache", "no-store"); // HttpClient reorders them
            stream.Header("X-Accel-Buffering").Should().Be("no", "nginx would otherwise hold events back");
        }
    }

    /// <summary>A Valkey stream id (<c>ms-seq</c>) as numbers, so that ids compare in stream order.</summary>
    private static (long Ms, long Seq) StreamId(string id) =>
        id.Split('-') is [var ms, var seq] ? (long.Parse(ms, System.Globalization.CultureInfo.InvariantCulture), long.Parse(seq, System.Globalization.CultureInfo.InvariantCulture)) : throw new FormatException(id);

    /// <summary>A mitra whose first stream (a new one: ready says not resumed) received one event and closed.</summary>
    private async Task<(string Token, Guid MitraId, string LastSeen)> MitraWhoSawOneEventAsync()
    {
        var (_, token, mitraId, _) = await hosts.NewSignedInMitraAsync();
        await using var first = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);
        first.Resumed.Should().BeFalse("no Last-Event-ID was sent");
        first.ServerTime.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(5));
        await hosts.Public.Services.GetRequiredService<IRealtime>().PublishAsync(Recipient.Mitra(mitraId), new TestEvent(1));
        return (token, mitraId, (await first.NextAsync())!.Id);
    }
}
