using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using StackExchange.Redis;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.DataRights;

/// <summary>
/// The client's data rights (PRODUCT.md §11, issue 18): erasure leaves nothing of the person in any
/// table or Valkey key while the counts, the history and the payments stay true; the export holds
/// everything of the caller and nothing of anyone else; erasure racing an accept, a send and a
/// Xendit webhook leaves nothing half-erased.
/// </summary>
public sealed class DataRightsTests(HostsFixture hosts) : IClassFixture<HostsFixture>, IAsyncLifetime
{
    private const string CallbackToken = "callback-token-for-data-rights";
    private FakeXendit _xendit = null!;
    private WebApplicationFactory<Api.Public.Program> _public = null!;

    public async Task InitializeAsync()
    {
        _xendit = await FakeXendit.StartAsync();
        _public = hosts.Public.WithWebHostBuilder(b => b
            .UseSetting("Xendit:BaseUrl", _xendit.Url)
            .UseSetting("Xendit:SecretKey", "xnd_development_data_rights")
            .UseSetting("Xendit:CallbackToken", CallbackToken)
            .UseSetting("Xendit:SuccessRedirectUrl", "halobestie://payments/success")
            .UseSetting("Xendit:FailureRedirectUrl", "https://halobestie.app/payments/failed"));
    }

    public async Task DisposeAsync()
    {
        await _public.DisposeAsync();
        await _xendit.DisposeAsync();
    }

    /// <summary>A client whose every personal field carries <paramref name="marker"/> (the phone its own digits).</summary>
    private sealed record Person(string Marker, string Uid, string Email, string Phone, string DisplayName, Guid Id, PublicApiClient App);

    private async Task<Person> PersonAsync(string? displayName = null)
    {
        var marker = "zq" + Guid.NewGuid().ToString("N")[..10];
        var phone = "+62812" + Random.Shared.Next(1_000_000, 9_999_999);
        var uid = "uid-" + marker;
        var email = marker + "@mail.test";
        var app = PublicWith(Token(uid, phone, email));
        var signedIn = await app.SignInClientAsync();
        var name = displayName ?? "Nama " + marker;
        await app.SetDisplayNameAsync(new SetDisplayName { DisplayName = name });
        return new Person(marker, uid, email, phone, name, signedIn.Client.Id, app);
    }

    private string Token(string uid, string phone, string email, DateTimeOffset? authTime = null)
    {
        var claims = FirebaseTokens.Claims(uid, "google.com", phone, email);
        if (authTime is { } at)
            claims["auth_time"] = at.ToUnixTimeSeconds();
        return FirebaseTokens.WithoutSignature(claims);
    }

    private PublicApiClient PublicWith(string token) => HostsFixture.PublicOn(_public, token);

    private async Task<Guid> PaidPaymentAsync(Person person)
    {
        var package = await (await hosts.AdminAsync()).CreatePackageAsync(new CreatePackage { Name = "Paket " + Guid.NewGuid().ToString("N")[..8], Sessions = 3, PriceIdr = 90_000 });
        var payment = await person.App.StartPaymentAsync(null, new StartPayment { PackageId = package.Id });
        (await CallbackAsync(payment.PaymentId, 90_000, person.Email)).StatusCode.Should().Be(HttpStatusCode.OK);
        return payment.PaymentId;
    }

    private async Task<HttpResponseMessage> CallbackAsync(Guid paymentId, long amount, string payerEmail)
    {
        using var http = _public.CreateClient();
        var body = new { id = "inv_" + paymentId.ToString("N")[..8], external_id = paymentId.ToString(), status = "PAID", amount, paid_amount = amount, currency = "IDR", payer_email = payerEmail };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/shared/payments/xendit/callback")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-callback-token", CallbackToken);
        return await http.SendAsync(request);
    }

    /// <summary>A session of <paramref name="person"/> with a new online mitra; the request carries a note with the marker.</summary>
    private async Task<(Guid SessionId, PublicApiClient Mitra, Guid MitraId)> SessionAsync(Person person, PublicApiClient? mitra = null)
    {
        Guid mitraId;
        if (mitra is null)
            (mitra, _, mitraId) = await hosts.NewOnlineMitraAsync();
        else
            mitraId = (await mitra.GetMyMitraProfileAsync()).Id;
        var request = await person.App.RequestPairingAsync(new RequestPairing { Note = "note " + person.Marker });
        var sessionId = (await mitra.AcceptPairingRequestAsync(request.Id)).SessionId;
        return (sessionId, mitra, mitraId);
    }

    private static async Task<HttpResponseMessage> DeleteAccountAsync(WebApplicationFactory<Api.Public.Program> host, string token)
    {
        using var http = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/client/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task EraseMyAccount_leaves_nothing_of_the_person_in_any_table_or_valkey_key_and_keeps_history_counts_and_payments()
    {
        var person = await PersonAsync();
        var paymentId = await PaidPaymentAsync(person);
        await person.App.RegisterDeviceAsClientAsync("install-" + person.Marker, new RegisterDeviceBody { FcmToken = "fcm-" + person.Marker, Platform = RegisterDeviceBodyPlatform.Android });

        // A past session with every kind of text the client writes: messages, the end's words, the rating.
        var (pastId, mitra, mitraId) = await SessionAsync(person);
        await person.App.SendMessageAsClientAsync(pastId, Guid.CreateVersion7(), new SendMessageBody { Text = "curhat " + person.Marker });
        await mitra.SendMessageAsMitraAsync(pastId, Guid.CreateVersion7(), new SendMessageBody { Text = "aku dengar kamu" });
        await person.App.EndMySessionAsync(pastId, new EndMySessionBody { Reason = "makasih " + person.Marker });
        await person.App.RateSessionAsync(pastId, new RateSessionBody { Stars = 5, Comment = "komentar " + person.Marker });
        // An open session at the time of the erasure: it is ended as the client would end it.
        var (openId, _, _) = await SessionAsync(person, mitra);
        await person.App.SendMessageAsClientAsync(openId, Guid.CreateVersion7(), new SendMessageBody { Text = "masih " + person.Marker });

        // A push still queued for the client (push is off in this fixture: nothing sends it).
        await using (var connection = new NpgsqlConnection(hosts.Servers.Postgres))
        {
            await connection.OpenAsync();
            await using var queue = new NpgsqlCommand($$"""
                insert into "{{hosts.Schema}}".hb_push_outbox (id, installation_id, owner_kind, owner_id, event, data, title, body, high_priority, collapse_key, expires_at, skip_while_streaming, created_at, due_at)
                values (gen_random_uuid(), @installation, 'client', @owner, 'session.ended', '{}'::jsonb, null, null, true, @installation, now() + interval '1 hour', false, now(), now())
                """, connection);
            queue.Parameters.AddWithValue("installation", "install-" + person.Marker);
            queue.Parameters.AddWithValue("owner", person.Id);
            await queue.ExecuteNonQueryAsync();
        }

        var admin = await hosts.AdminAsync();
        var before = await admin.GetDashboardAsync();
        var mitraBefore = await admin.GetMitraAsync(mitraId);

        // Not within 5 minutes of a sign-in: refused, nothing erased.
        var stale = await DeleteAccountAsync(_public, Token(person.Uid, person.Phone, person.Email, DateTimeOffset.UtcNow.AddMinutes(-6)));
        var refused = Parse((int)stale.StatusCode, await stale.Content.ReadAsStringAsync());
        (refused.Status, refused.Name).Should().Be((403, "reauthentication-required"));
        (await admin.GetClientAsync(person.Id)).Deleted.Should().BeFalse();

        var erased = await DeleteAccountAsync(_public, Token(person.Uid, person.Phone, person.Email));
        erased.StatusCode.Should().Be(HttpStatusCode.NoContent, await erased.Content.ReadAsStringAsync());

        // Nothing of the person anywhere: every table of the schema, every key of the prefix.
        foreach (var needle in new[] { person.Marker, person.Phone, person.Phone.TrimStart('+') })
        {
            (await TablesContainingAsync(needle)).Should().BeEmpty($"no row of any table may still hold '{needle}'");
            (await ValkeyKeysContainingAsync(needle)).Should().BeEmpty($"no Valkey key or value may still hold '{needle}'");
        }

        // What stays: the client's record (without the person), the history, the counts, the payment.
        var staff = await admin.GetClientAsync(person.Id);
        (staff.Deleted, staff.DisplayName, staff.Email, staff.PhoneNumber).Should().Be((true, null, null, null));
        var history = await admin.GetSessionHistoryAsync(pastId);
        history.Select(h => h.Type).Should().Contain("conversation_erased").And.Contain("message_sent");
        (await admin.GetSessionStateAtAsync(pastId, DateTimeOffset.UtcNow)).Status.Should().Be(HaloBestie.Clients.Internal.SessionStatus.Ended);
        var open = await mitra.GetMitraSessionAsync(openId);
        Code(open.Status).Should().Be("ended");
        Code(open.EndReasonCode).Should().Be("ended-by-client");
        // The dashboard's figures are cached for a moment: the end reaches them shortly.
        await Wait.UntilAsync(async () => (await admin.GetDashboardAsync()).Today.SessionsEnded == before.Today.SessionsEnded + 1, TimeSpan.FromSeconds(10),
            "the open session, ended by the erasure, counted as ended");
        var after = await admin.GetDashboardAsync();
        (after.Today.PairingRequests, after.Today.Matched, after.Today.AverageRating).Should().Be((before.Today.PairingRequests, before.Today.Matched, before.Today.AverageRating));
        after.Today.SessionsEnded.Should().Be(before.Today.SessionsEnded + 1, "the open session was ended by the erasure");
        var mitraAfter = await admin.GetMitraAsync(mitraId);
        (mitraAfter.Ratings!.Count, mitraAfter.Ratings.AverageStars).Should().Be((mitraBefore.Ratings!.Count, mitraBefore.Ratings.AverageStars),
            "the mitra's ratings are its own: the comment goes, the stars stay");
        (mitraBefore.ActiveSessions, mitraAfter.ActiveSessions).Should().Be((1, 0), "the open session was ended, its place freed");
        await using (var query = hosts.Service<IDocumentStore>().QuerySession())
        {
            var payment = await query.LoadAsync<Domain.Payments.Payment>(paymentId);
            (payment!.AmountIdr, payment.Status, payment.ClientId).Should().Be((90_000, Domain.Payments.PaymentStatus.Paid, person.Id));
            (await query.LoadAsync<Domain.Clients.Client>(person.Id))!.EventsMaskedAt.Should().NotBeNull("the stored events were masked before the answer");
        }

        // The mitra's view of the past session: the client's words are shown as erased.
        var page = await mitra.ListMessagesAsMitraAsync(pastId, null, null, 100);
        var clientLines = page.Items.Where(m => Code(m.Sender) == "client").ToList();
        clientLines.Should().NotBeEmpty().And.OnlyContain(m => m.Erased && m.Text == "");
        page.Items.Where(m => Code(m.Sender) == "system").Should().OnlyContain(m => !m.Erased && m.Text != "");

        // The old token finds no client; the same Firebase account starts anew, without a second trial.
        (await ProblemOf(() => person.App.GetMyClientProfileAsync())).Name.Should().Be("forbidden");
        var again = PublicWith(Token(person.Uid, person.Phone, person.Email));
        var fresh = await again.SignInClientAsync();
        fresh.Client.Id.Should().NotBe(person.Id);
        (await again.GetMyEntitlementsAsync()).TrialSessionsLeft.Should().Be(0, "the trial is granted once per Firebase account, erasure or not");
    }

    [Fact]
    public async Task ExportMyData_holds_the_callers_sessions_payment_rating_and_conversation_and_nothing_of_another_client_with_the_same_name()
    {
        var person = await PersonAsync(displayName: "Sama Nama");
        var other = await PersonAsync(displayName: "Sama Nama");
        var paymentId = await PaidPaymentAsync(person);
        var (first, mitra, _) = await SessionAsync(person);
        await person.App.SendMessageAsClientAsync(first, Guid.CreateVersion7(), new SendMessageBody { Text = "pertama " + person.Marker });
        await person.App.EndMySessionAsync(first, new EndMySessionBody());
        await person.App.RateSessionAsync(first, new RateSessionBody { Stars = 4, Comment = "bagus " + person.Marker });
        var (second, _, _) = await SessionAsync(person, mitra);
        await mitra.SendMessageAsMitraAsync(second, Guid.CreateVersion7(), new SendMessageBody { Text = "halo lagi" });
        var (othersSession, otherMitra, _) = await SessionAsync(other);
        await other.App.SendMessageAsClientAsync(othersSession, Guid.CreateVersion7(), new SendMessageBody { Text = "rahasia " + other.Marker });

        using var http = _public.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/client/me/export");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(person.Uid, person.Phone, person.Email));
        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, raw);
        var export = await person.App.ExportMyDataAsync();

        (export.Profile.Id, export.Profile.DisplayName, export.Profile.Email, export.Profile.PhoneNumber).Should().Be((person.Id, "Sama Nama", person.Email, person.Phone));
        export.Profile.SignInProvider.Should().Be("google.com");
        export.Payments.Should().ContainSingle().Which.Id.Should().Be(paymentId);
        export.Entitlements.Credits.Should().Be(3 - 1, "the package's three sessions, one spent on the second session (the first was the trial)");
        export.Sessions.Select(s => s.Id).Should().Equal(first, second);
        export.Requests.Should().HaveCount(2).And.OnlyContain(r => r.Note == "note " + person.Marker);
        var rated = export.Sessions.Single(s => s.Id == first);
        (rated.Rating!.Stars, rated.Rating.Comment).Should().Be((4, "bagus " + person.Marker));
        rated.Messages.Select(m => m.Text).Should().Contain("pertama " + person.Marker);
        export.Sessions.Single(s => s.Id == second).Messages.Select(m => m.Text).Should().Contain("halo lagi");

        raw.Should().NotContain(other.Marker).And.NotContain(other.Id.ToString()).And.NotContain(othersSession.ToString())
            .And.NotContain(other.Phone, "nothing of the other client with the same display name");
        _ = otherMitra;
    }

    [Fact]
    public async Task EraseMyAccount_racing_an_accept_a_send_an_end_and_a_xendit_webhook_leaves_nothing_half_erased_and_records_the_payment()
    {
        // A client never has a searching request beside an active session: the rounds take turns
        // between erase × accept × webhook, erase × send × webhook, erase × staff end × webhook
        // (within the first five minutes: the end gives the client its credit back) and erase ×
        // the mitra's end × webhook (the erasure may list the session active and find it ended).
        var (staff, _) = await hosts.NewStaffAsync();
        using var observed = Observed.Start();
        for (var round = 0; round < 12; round++)
        {
            var person = await PersonAsync();
            await PaidPaymentAsync(person);
            var package = await (await hosts.AdminAsync()).CreatePackageAsync(new CreatePackage { Name = "Paket " + Guid.NewGuid().ToString("N")[..8], Sessions = 2, PriceIdr = 60_000 });
            var payment = await person.App.StartPaymentAsync(null, new StartPayment { PackageId = package.Id });
            Func<Task<int>> other;
            if (round % 4 == 0)
            {
                var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
                var searching = await person.App.RequestPairingAsync(new RequestPairing { Note = "lagi " + person.Marker });
                other = () => StatusOfAsync(() => mitra.AcceptPairingRequestAsync(searching.Id));
            }
            else
            {
                var (talking, mitra, _) = await SessionAsync(person);
                other = (round % 4) switch
                {
                    1 => () => StatusOfAsync(() => person.App.SendMessageAsClientAsync(talking, Guid.CreateVersion7(), new SendMessageBody { Text = "kirim " + person.Marker })),
                    2 => () => StatusOfAsync(() => staff.EndSessionByStaffAsync(talking, new EndSessionByStaffBody { Reason = "race" })),
                    _ => () => StatusOfAsync(() => mitra.EndMitraSessionAsync(talking, null)),
                };
            }

            var results = await Race.AtOnceAsync<int>(
                async () => (int)(await DeleteAccountAsync(_public, Token(person.Uid, person.Phone, person.Email))).StatusCode,
                other,
                async () => (int)(await CallbackAsync(payment.PaymentId, 60_000, person.Email)).StatusCode);

            results[0].Should().Be(204, $"round {round}: the erasure succeeds");
            results.Should().NotContain(s => s >= 500, $"round {round}: no 500 (answers: {string.Join(", ", results)})");
            results[2].Should().Be(200, "the webhook is acknowledged");

            (await TablesContainingAsync(person.Marker)).Should().BeEmpty($"round {round}: nothing half-erased");
            await using var query = hosts.Service<IDocumentStore>().QuerySession();
            var paid = await query.LoadAsync<Domain.Payments.Payment>(payment.PaymentId);
            (paid!.Status, paid.AmountIdr).Should().Be((Domain.Payments.PaymentStatus.Paid, 60_000), "the payment is recorded without the person");
            var sessions = await query.Query<Domain.Sessions.Session>().Where(s => s.ClientId == person.Id).ToListAsync();
            sessions.Should().NotContain(s => s.Status != Domain.Sessions.SessionStatus.Ended || s.ConversationErasedAt == null,
                "an accept that won the race made a session the erasure then ended; one that lost made none");
            var searchingNow = await query.Query<Domain.Pairing.PairingRequest>().Where(r => r.ClientId == person.Id && r.Status == Domain.Pairing.PairingStatus.Searching).ToListAsync();
            searchingNow.Should().BeEmpty();
            var lastMessages = await query.Query<Domain.Sessions.SessionMessage>().Where(m => m.SessionId.IsOneOf(sessions.Select(x => x.Id).ToArray())).ToListAsync();
            foreach (var s in sessions)
                lastMessages.Where(m => m.SessionId == s.Id).Max(m => m.Seq).Should().Be(s.LastSeq, "no message after the end");
        }
        // The erasure, the accept and the callback lock the client's stream before writing anything,
        // so they take turns; in opposite orders PostgreSQL broke 41 deadlocks in 24 such rounds (5 in
        // 4), a second (deadlock_timeout) each. Since then none in 24 rounds run alone, but one in a
        // full suite run: some pair still meets in opposite order, rarely (not yet found; the victim
        // is named below when it happens again).
        var deadlocks = observed.Measurements
            .Where(m => m.Instrument == "halobestie.writes.conflicts" && Equals(m.Tags["kind"], "deadlock"))
            .Select(m => m.Tags["write"]).ToList();
        deadlocks.Should().HaveCountLessThanOrEqualTo(2,
            $"the erasure, the accept and the callback take the client's stream first (deadlocked writes: {string.Join(", ", deadlocks)})");
        observed.Sum("halobestie.writes.conflicts").Should().BeGreaterThan(0, "the race is real: writes met and decided again");
    }

    private static async Task<int> StatusOfAsync(Func<Task> call)
    {
        try
        {
            await call();
            return 200;
        }
        catch (HaloBestie.Clients.Public.ApiException e)
        {
            return e.StatusCode < 500 ? e.StatusCode : throw FiveHundred(e.StatusCode, e.Response);
        }
        catch (HaloBestie.Clients.Internal.ApiException e)
        {
            return e.StatusCode < 500 ? e.StatusCode : throw FiveHundred(e.StatusCode, e.Response);
        }

        // No 5xx may happen: fail with the answer, which in Test names the exception.
        static Xunit.Sdk.XunitException FiveHundred(int status, string? response) => new($"answered {status}: {response}");
    }

    private static string? Code<T>(T value) => JsonSerializer.Serialize(value, CodeOptions).Trim('"') is var s && s == "null" ? null : s;

    private static readonly JsonSerializerOptions CodeOptions = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>Every table of the fixture's schema with a row whose text holds <paramref name="needle"/>.</summary>
    private async Task<List<string>> TablesContainingAsync(string needle)
    {
        await using var connection = new NpgsqlConnection(hosts.Servers.Postgres);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("select table_name from information_schema.tables where table_schema = @s and table_type = 'BASE TABLE'", connection))
        {
            list.Parameters.AddWithValue("s", hosts.Schema);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        }
        tables.Should().Contain(["mt_events", "mt_doc_client", "mt_doc_sessionmessage", "hb_push_outbox"]);
        var found = new List<string>();
        foreach (var table in tables)
        {
            await using var scan = new NpgsqlCommand($"select count(*) from \"{hosts.Schema}\".\"{table}\" t where strpos(t::text, @n) > 0", connection);
            scan.Parameters.AddWithValue("n", needle);
            if ((long)(await scan.ExecuteScalarAsync())! > 0)
                found.Add(table);
        }
        return found;
    }

    /// <summary>Every Valkey key of the fixture's prefix whose name or value holds <paramref name="needle"/>.</summary>
    private async Task<List<string>> ValkeyKeysContainingAsync(string needle)
    {
        await using var valkey = await ConnectionMultiplexer.ConnectAsync(hosts.Servers.Valkey);
        var db = valkey.GetDatabase();
        var found = new List<string>();
        foreach (var server in valkey.GetServers())
        {
            await foreach (var key in server.KeysAsync(pattern: hosts.KeyPrefix + "*"))
            {
                var text = (await db.KeyTypeAsync(key)) switch
                {
                    RedisType.String => (string?)await db.StringGetAsync(key),
                    RedisType.Hash => string.Join(" ", (await db.HashGetAllAsync(key)).Select(e => $"{e.Name} {e.Value}")),
                    RedisType.Set => string.Join(" ", await db.SetMembersAsync(key)),
                    RedisType.SortedSet => string.Join(" ", await db.SortedSetRangeByRankAsync(key)),
                    RedisType.List => string.Join(" ", await db.ListRangeAsync(key)),
                    RedisType.Stream => string.Join(" ", (await db.StreamRangeAsync(key)).SelectMany(e => e.Values).Select(v => $"{v.Name} {v.Value}")),
                    _ => "",
                };
                if (key.ToString().Contains(needle, StringComparison.Ordinal) || text?.Contains(needle, StringComparison.Ordinal) == true)
                    found.Add(key.ToString());
            }
        }
        return found;
    }
}
