using System.Text.Json;
using HaloBestie.Application.Push;
using HaloBestie.Clients.Public;
using HaloBestie.Domain.Devices;
using HaloBestie.FakeFcm;
using HaloBestie.Infrastructure.Workers;
using HaloBestie.IntegrationTests.Conversation;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Npgsql;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace HaloBestie.IntegrationTests.Push;

/// <summary>
/// Push through FCM HTTP v1 (issue 16, PRODUCT.md §10) against a local fake FCM: what each change
/// sends, to whom, shaped how; what the outbox does with FCM's answers (429 with Retry-After,
/// 503, <c>UNREGISTERED</c>); and that a client with its app open is not pushed twice.
/// </summary>
public sealed class PushDeliveryTests(PushFixture hosts) : IClassFixture<PushFixture>
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);

    private FakeFcmServer Fcm => hosts.Fcm;

    private static async Task<string> RegisterMitraDeviceAsync(PublicApiClient app, string? token = null)
    {
        token ??= $"fcm-{Guid.NewGuid():N}";
        await app.RegisterDeviceAsMitraAsync($"inst-{Guid.NewGuid():N}", new RegisterDeviceBody { FcmToken = token, Platform = RegisterDeviceBodyPlatform.Android });
        return token;
    }

    private static async Task<string> RegisterClientDeviceAsync(PublicApiClient app)
    {
        var token = $"fcm-{Guid.NewGuid():N}";
        await app.RegisterDeviceAsClientAsync($"inst-{Guid.NewGuid():N}", new RegisterDeviceBody { FcmToken = token, Platform = RegisterDeviceBodyPlatform.Ios });
        return token;
    }

    private List<ReceivedPush> To(string token, string? @event = null) =>
        Fcm.Received.Where(r => r.Token == token && (@event is null || r.Event == @event)).ToList();

    private List<ReceivedPush> DeliveredTo(string token, string? @event = null) =>
        Fcm.Delivered.Where(r => r.Token == token && (@event is null || r.Event == @event)).ToList();

    private async Task<long> QueuedAsync()
    {
        await using var connection = new NpgsqlConnection(hosts.Servers.Postgres);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"select count(*) from {hosts.Schema}.{PushOutbox.Table}", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Offer_to_twenty_backgrounded_mitras_reaches_each_device_once_with_its_TTL_and_collapse_key_and_the_accept_withdraws_it_from_the_others()
    {
        var mitras = new List<(PublicApiClient App, string Token)>();
        for (var i = 0; i < 20; i++)
        {
            var (app, _, _) = await hosts.NewOnlineMitraAsync();
            var device = await RegisterMitraDeviceAsync(app);
            await app.ReportAppLifecycleAsync(new ReportAppLifecycle { State = ReportAppLifecycleState.Background });
            mitras.Add((app, device));
        }
        // Past the heartbeat timeout (90 s): only the background rule keeps them online and offered.
        hosts.Clock!.Advance(TimeSpan.FromMinutes(2));
        await Task.Delay(PresenceSweeper.Interval * 2.5);
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var clientDevice = await RegisterClientDeviceAsync(client);

        var request = await client.RequestPairingAsync(new RequestPairing());

        (await Wait.Eventually(() => mitras.All(m => DeliveredTo(m.Token, "pairing.offered").Count == 1), Delivery)).Should().BeTrue(
            "every offered mitra's device gets the offer; got {0} of 20", mitras.Count(m => DeliveredTo(m.Token, "pairing.offered").Count == 1));
        var ttl = (long)Math.Floor((request.ExpiresAt - hosts.Clock.GetUtcNow()).TotalSeconds + 0.001);
        foreach (var (_, token) in mitras)
        {
            var offer = To(token, "pairing.offered").Should().ContainSingle().Subject.Message;
            offer.GetProperty("data").GetProperty("requestId").GetString().Should().Be(request.Id.ToString());
            offer.GetProperty("notification").GetProperty("title").GetString().Should().NotBeNullOrEmpty();
            var android = offer.GetProperty("android");
            android.GetProperty("priority").GetString().Should().Be("HIGH");
            android.GetProperty("ttl").GetString().Should().Be($"{ttl}s");
            android.GetProperty("collapse_key").GetString().Should().Be(request.Id.ToString());
            var apns = offer.GetProperty("apns").GetProperty("headers");
            apns.GetProperty("apns-collapse-id").GetString().Should().Be(request.Id.ToString());
            apns.GetProperty("apns-expiration").GetString().Should().Be(request.ExpiresAt.ToUnixTimeSeconds().ToString());
            apns.GetProperty("apns-priority").GetString().Should().Be("10");
        }

        await mitras[0].App.AcceptPairingRequestAsync(request.Id);

        (await Wait.Eventually(() => mitras.Skip(1).All(m => DeliveredTo(m.Token, "pairing.closed").Count == 1) && DeliveredTo(clientDevice, "pairing.matched").Count == 1, Delivery))
            .Should().BeTrue("the other 19 withdraw the offer and the client hears of its bestie");
        foreach (var (_, token) in mitras.Skip(1))
        {
            var withdrawal = To(token, "pairing.closed").Should().ContainSingle().Subject.Message;
            withdrawal.TryGetProperty("notification", out _).Should().BeFalse("a withdrawal is a data message");
            withdrawal.GetProperty("data").GetProperty("reason").GetString().Should().Be("taken");
            withdrawal.GetProperty("android").GetProperty("collapse_key").GetString().Should().Be(request.Id.ToString());
            withdrawal.GetProperty("apns").GetProperty("headers").GetProperty("apns-push-type").GetString().Should().Be("background");
        }
        To(mitras[0].Token, "pairing.closed").Should().BeEmpty("the mitra who took it is not told it is taken");
        To(mitras[0].Token, "pairing.offered").Should().ContainSingle("nothing is sent twice to a device for one event");
    }

    [Fact]
    public async Task An_offer_that_expires_while_FCM_answers_503_is_not_sent_after_its_expiry()
    {
        var (app, _, _) = await hosts.NewOnlineMitraAsync();
        var device = await RegisterMitraDeviceAsync(app);
        Fcm.Answer = r => r.Token == device ? new FakeAnswer(503, "UNAVAILABLE") : null;
        try
        {
            var (client, _, _) = await hosts.NewRegisteredClientAsync();
            var request = await client.RequestPairingAsync(new RequestPairing());
            (await Wait.Eventually(() => To(device, "pairing.offered").Count >= 2, Delivery)).Should().BeTrue("503 is retried with back-off");

            hosts.Clock!.Advance(request.ExpiresAt - hosts.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));
            var triedBeforeExpiry = To(device, "pairing.offered").Count;
            Fcm.Answer = null; // FCM is back; the offer no longer matters
            await Task.Delay(TimeSpan.FromSeconds(5)); // beyond the next back-off (2–4 s)

            // One attempt may have been on its way when the clock moved; none may start after.
            To(device, "pairing.offered").Count.Should().BeLessThanOrEqualTo(triedBeforeExpiry + 1);
            DeliveredTo(device, "pairing.offered").Where(r => r.At > DateTimeOffset.UtcNow.AddSeconds(-4)).Should().BeEmpty("an offer past its expiry is dropped, not sent");
            (await Wait.Eventually(() => QueuedOffersAsync(request.Id).GetAwaiter().GetResult() == 0, Delivery)).Should().BeTrue("the expired offer left the outbox");
        }
        finally
        {
            Fcm.Answer = null;
        }
    }

    private async Task<long> QueuedOffersAsync(Guid requestId)
    {
        await using var connection = new NpgsqlConnection(hosts.Servers.Postgres);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"select count(*) from {hosts.Schema}.{PushOutbox.Table} where collapse_key = $1 and event = 'pairing.offered'", connection);
        count.Parameters.AddWithValue(requestId.ToString());
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task FCM_answering_429_with_Retry_After_2_for_10_seconds_loses_nothing_sends_nothing_twice_and_is_waited_for_as_told()
    {
        var devices = new List<string>();
        var mitras = new List<PublicApiClient>();
        for (var i = 0; i < 5; i++)
        {
            var (app, _, _) = await hosts.NewOnlineMitraAsync();
            mitras.Add(app);
            devices.Add(await RegisterMitraDeviceAsync(app));
        }
        var throttledUntil = DateTimeOffset.UtcNow.AddSeconds(10);
        var ours = devices.ToHashSet();
        Fcm.Answer = r => ours.Contains(r.Token) && r.At < throttledUntil ? new FakeAnswer(429, "QUOTA_EXCEEDED", RetryAfterSeconds: 2) : null;
        try
        {
            var (client, _, _) = await hosts.NewRegisteredClientAsync();
            await hosts.ChangeSettingsAsync(s => s.PairingTimeoutSeconds = 600); // outlives the throttling
            var request = await client.RequestPairingAsync(new RequestPairing());

            (await Wait.Eventually(() => devices.All(d => DeliveredTo(d, "pairing.offered").Count == 1), TimeSpan.FromSeconds(30))).Should().BeTrue("nothing is lost");
            await Task.Delay(TimeSpan.FromSeconds(1));
            devices.Should().OnlyContain(d => DeliveredTo(d, "pairing.offered").Count == 1, "nothing is sent twice to a device for one event");

            // After each 429, nothing more reached FCM from this worker for 2 s: the attempts come in waves at least 2 s apart.
            var attempts = Fcm.Received.Where(r => ours.Contains(r.Token) && r.Event == "pairing.offered").Select(r => r.At).Order().ToList();
            attempts.Count.Should().BeGreaterThan(devices.Count, "the first attempts were throttled");
            attempts.Count.Should().BeLessThan(devices.Count * 8, "a worker waiting 2 s each time makes at most about six waves in 10 s");
            for (var i = 1; i < attempts.Count; i++)
            {
                var gap = attempts[i] - attempts[i - 1];
                (gap < TimeSpan.FromMilliseconds(500) || gap >= TimeSpan.FromSeconds(1.9)).Should().BeTrue(
                    "a send {0} after the previous one is neither in the same wave nor after the 2 s FCM asked for", gap);
            }
            _ = request;
        }
        finally
        {
            Fcm.Answer = null;
            await hosts.ChangeSettingsAsync(s => s.PairingTimeoutSeconds = 60);
        }
    }

    [Fact]
    public async Task A_decline_on_one_phone_withdraws_the_offer_from_the_mitras_other_phones()
    {
        var (app, _, _) = await hosts.NewOnlineMitraAsync();
        var phone = await RegisterMitraDeviceAsync(app);
        var tablet = await RegisterMitraDeviceAsync(app);
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var request = await client.RequestPairingAsync(new RequestPairing());
        (await Wait.Eventually(() => DeliveredTo(phone, "pairing.offered").Count == 1 && DeliveredTo(tablet, "pairing.offered").Count == 1, Delivery)).Should().BeTrue();

        await app.DeclinePairingRequestAsync(request.Id);

        (await Wait.Eventually(() => DeliveredTo(tablet, "pairing.closed").Count == 1, Delivery)).Should().BeTrue("the other phone withdraws the offer");
        var withdrawal = DeliveredTo(tablet, "pairing.closed").Single();
        (withdrawal.Data("requestId"), withdrawal.Data("reason")).Should().Be((request.Id.ToString(), "declined"));
        await client.CancelPairingRequestAsync(request.Id);
    }

    [Fact]
    public async Task UNREGISTERED_removes_the_installation_and_the_next_event_does_not_try_it()
    {
        var (app, _, mitraId) = await hosts.NewOnlineMitraAsync();
        var dead = await RegisterMitraDeviceAsync(app, $"unregistered-{Guid.NewGuid():N}");
        var alive = await RegisterMitraDeviceAsync(app);
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var first = await client.RequestPairingAsync(new RequestPairing());

        (await Wait.Eventually(() => To(dead).Count == 1 && DeliveredTo(alive).Count == 1, Delivery)).Should().BeTrue();
        (await Wait.Eventually(() => DevicesOfAsync(mitraId).GetAwaiter().GetResult().SequenceEqual([alive]), Delivery)).Should().BeTrue(
            "FCM's UNREGISTERED removes that installation, and only that one");

        await client.CancelPairingRequestAsync(first.Id);
        var (other, _, _) = await hosts.NewRegisteredClientAsync();
        await other.RequestPairingAsync(new RequestPairing());
        (await Wait.Eventually(() => DeliveredTo(alive, "pairing.offered").Count == 2, Delivery)).Should().BeTrue();
        To(dead).Should().ContainSingle("the removed installation is not tried again");
    }

    [Fact]
    public async Task A_queued_push_whose_installation_now_belongs_to_another_account_is_dropped_not_sent_to_it()
    {
        var (app, _, mitraId) = await hosts.NewOnlineMitraAsync();
        var installation = $"inst-{Guid.NewGuid():N}";
        var token = $"fcm-{Guid.NewGuid():N}";
        await app.RegisterDeviceAsMitraAsync(installation, new RegisterDeviceBody { FcmToken = token, Platform = RegisterDeviceBodyPlatform.Android });
        var (theirs, other) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));

        // Two rows for the same installation, queued as a change would queue them: one for the
        // account that holds it now, one for an account that held it before (the phone was signed
        // in to another account since the row was queued).
        await using (var connection = new NpgsqlConnection(hosts.Servers.Postgres))
        {
            await connection.OpenAsync();
            await using var queue = new NpgsqlCommand($"""
                insert into {hosts.Schema}.{PushOutbox.Table}
                  (id, installation_id, owner_kind, owner_id, event, data, title, body, high_priority, collapse_key, expires_at, skip_while_streaming, created_at, due_at, attempts)
                select gen_random_uuid(), $1, 'mitra', o.owner_id, 'session.ended', jsonb_build_object('marker', o.marker), null, null, false, o.marker,
                       now() + interval '1 hour', false, now(), now(), 0
                from (values ($2::uuid, $3), ($4::uuid, $5)) as o(owner_id, marker)
                """, connection);
            queue.Parameters.AddWithValue(installation);
            queue.Parameters.AddWithValue(mitraId);
            queue.Parameters.AddWithValue(theirs);
            queue.Parameters.AddWithValue(Guid.NewGuid());
            queue.Parameters.AddWithValue(other);
            await queue.ExecuteNonQueryAsync();
        }

        (await Wait.Eventually(() => DeliveredTo(token).Any(r => r.Data("marker") == theirs), Delivery)).Should().BeTrue("the holder's own push is sent");
        (await Wait.Eventually(() => QueuedAsync().GetAwaiter().GetResult() == 0, Delivery)).Should().BeTrue("the other row leaves the outbox too");
        To(token).Should().NotContain(r => r.Data("marker") == other, "a push for another account never reaches the phone that account no longer holds");
    }

    private async Task<List<string>> DevicesOfAsync(Guid ownerId)
    {
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        return (await session.Query<Device>().Where(d => d.OwnerId == ownerId).ToListAsync()).Select(d => d.FcmToken).ToList();
    }

    [Fact]
    public async Task A_clients_message_pushes_are_skipped_while_its_app_has_a_stream_open_and_never_carry_the_text()
    {
        var talk = await Talk.StartAsync(hosts);
        var device = await RegisterClientDeviceAsync(talk.Client);
        await using (var stream = await talk.StreamAsync(talk.ClientToken))
        {
            (await talk.SendAsync(talk.MitraToken, "marker-open-stream")).Status.Should().Be(201);
            await stream.NextOfTypeAsync("message.created");
            await Task.Delay(TimeSpan.FromSeconds(2)); // the outbox has had its turn
        }
        To(device, "message.created").Should().BeEmpty("the client's open stream had the message");

        await Task.Delay(TimeSpan.FromMilliseconds(500)); // the stream's subscription is gone
        (await talk.SendAsync(talk.MitraToken, "marker-rahasia-sekali")).Status.Should().Be(201);
        (await talk.SendAsync(talk.ClientToken, "marker-from-client")).Status.Should().Be(201);

        (await Wait.Eventually(() => DeliveredTo(device, "message.created").Count == 1, Delivery)).Should().BeTrue();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var push = To(device, "message.created").Should().ContainSingle("the client's own message is not pushed to it").Subject.Message;
        push.GetRawText().Should().NotContain("marker-", "a push carries no message text");
        push.GetProperty("notification").GetProperty("body").GetString().Should().Be("Pesan baru dari bestie-mu");
        push.GetProperty("data").GetProperty("sessionId").GetString().Should().Be(talk.SessionId.ToString());
    }

    [Fact]
    public async Task A_session_the_mitra_ends_is_pushed_to_the_client_and_nothing_stays_queued()
    {
        var talk = await Talk.StartAsync(hosts);
        var device = await RegisterClientDeviceAsync(talk.Client);

        await talk.Mitra.EndMitraSessionAsync(talk.SessionId, new EndMitraSessionBody());

        (await Wait.Eventually(() => DeliveredTo(device, "session.ended").Count == 1, Delivery)).Should().BeTrue();
        To(device, "session.ended").Single().Data("reasonCode").Should().Be("ended-by-mitra");
        (await Wait.Eventually(() => QueuedAsync().GetAwaiter().GetResult() == 0, Delivery)).Should().BeTrue("sent pushes leave the outbox");
        Fcm.TokenRequests.Should().BeLessThanOrEqualTo(4, "an access token is reused until shortly before it expires (one per host at most)");
    }

    [Fact]
    public async Task A_pause_after_FCM_answers_503_is_logged_as_a_warning_with_the_code_and_no_device_token()
    {
        var logs = new CapturedLogs();
        await using var host = hosts.Public.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs).AddFilter<CapturedLogs>(null, LogLevel.Trace)));
        _ = host.CreateClient();
        var (_, token, _) = await hosts.NewOnlineMitraAsync();
        var device = $"fcm-{Guid.NewGuid():N}";
        await HostsFixture.PublicOn(host, token).RegisterDeviceAsMitraAsync($"inst-{Guid.NewGuid():N}", new RegisterDeviceBody { FcmToken = device, Platform = RegisterDeviceBodyPlatform.Android });
        Fcm.Answer = r => r.Token == device ? new FakeAnswer(503, "UNAVAILABLE") : null;
        try
        {
            var (_, clientToken, _) = await hosts.NewRegisteredClientAsync();
            // Requested through this host: its own commit wakes its worker, which tries first.
            await HostsFixture.PublicOn(host, clientToken).RequestPairingAsync(new RequestPairing());
            (await Wait.Eventually(() => logs.Entries.Any(e => e.Contains("Push sending paused", StringComparison.Ordinal)), Delivery))
                .Should().BeTrue("the on-call engineer must see why pushes wait");
            var paused = logs.Entries.First(e => e.Contains("Push sending paused", StringComparison.Ordinal));
            paused.Should().StartWith("Warning").And.Contain("UNAVAILABLE").And.NotContain(device);
        }
        finally
        {
            Fcm.Answer = null;
        }
    }

    [Fact]
    public async Task Log_at_the_most_verbose_level_while_pushing_holds_no_key_no_access_token_and_no_device_token()
    {
        var logs = new CapturedLogs();
        await using var host = hosts.Public.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs).AddFilter<CapturedLogs>(null, LogLevel.Trace)));
        var http = host.CreateClient();
        var (app, token, _) = await hosts.NewOnlineMitraAsync();
        var device = $"fcm-{Guid.NewGuid():N}";
        await HostsFixture.PublicOn(host, token).RegisterDeviceAsMitraAsync($"inst-{Guid.NewGuid():N}", new RegisterDeviceBody { FcmToken = device, Platform = RegisterDeviceBodyPlatform.Android });
        var (client, clientToken, _) = await hosts.NewRegisteredClientAsync();
        await HostsFixture.PublicOn(host, clientToken).RequestPairingAsync(new RequestPairing());

        (await Wait.Eventually(() => DeliveredTo(device, "pairing.offered").Count == 1, Delivery)).Should().BeTrue();
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        var all = logs.All;
        logs.Entries.Should().Contain(e => e.Contains("HttpClient.FcmClient", StringComparison.Ordinal),
            "this host sent the push (it was woken by its own commit) and its HTTP client logged the call");
        all.Should().NotContain("PRIVATE KEY").And.NotContain("fake-access-").And.NotContain(device);
        _ = (app, client, http);
    }

    [Fact]
    public async Task INVALID_ARGUMENT_drops_the_push_without_retrying_it_and_the_metrics_count_it_by_code()
    {
        var failed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var dropped = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name is "halobestie.push.failed" or "halobestie.push.dropped")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            var values = tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString());
            if (instrument.Name == "halobestie.push.failed")
                failed.Enqueue(values["code"]!);
            else
                dropped.Enqueue(values["reason"]!);
        });
        listener.Start();
        var (app, _, mitraId) = await hosts.NewOnlineMitraAsync();
        var refused = await RegisterMitraDeviceAsync(app);
        Fcm.Answer = r => r.Token == refused ? new FakeAnswer(400, "INVALID_ARGUMENT") : null;
        try
        {
            var (client, _, _) = await hosts.NewRegisteredClientAsync();
            await client.RequestPairingAsync(new RequestPairing());

            (await Wait.Eventually(() => failed.Contains("INVALID_ARGUMENT") && dropped.Contains("rejected"), Delivery)).Should().BeTrue(
                "FCM's refusal is counted by its code and the push dropped");
            await Task.Delay(TimeSpan.FromSeconds(3)); // beyond the first back-off
            To(refused, "pairing.offered").Should().ContainSingle("a message FCM refuses is not retried");
            (await DevicesOfAsync(mitraId)).Should().Contain(refused, "INVALID_ARGUMENT says nothing about the token");
        }
        finally
        {
            Fcm.Answer = null;
        }
    }
}
