using System.Text.Json;
using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using PairingRequest = HaloBestie.Domain.Pairing.PairingRequest;
using Session = HaloBestie.Domain.Sessions.Session;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;
using SetMitraStatus = HaloBestie.Clients.Public.SetMitraStatus;

namespace HaloBestie.IntegrationTests.Pairing;

public class PairingTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private async Task<(PublicApiClient App, string Token, Guid MitraId)> OnlineMitraAsync(InternalApiClient? admin = null)
    {
        var (app, token, mitraId, _) = await hosts.NewSignedInMitraAsync(admin);
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        return (app, token, mitraId);
    }

    [Fact]
    public async Task Request_when_a_mitra_is_online_is_offered_to_it_and_on_accept_both_parties_are_told()
    {
        var (mitra, mitraToken, mitraId) = await OnlineMitraAsync();
        var (client, clientToken, clientId) = await hosts.NewRegisteredClientAsync("Sari Dewi");
        await using var mitraStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", mitraToken);
        await using var clientStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/client/events", clientToken);

        var created = await client.RequestPairingAsync(new RequestPairing { Topic = "keluarga", Note = "Butuh teman cerita" });
        created.Status.Should().Be(HaloBestie.Clients.Public.PairingStatus.Searching);

        var offered = await mitraStream.NextAsync();
        offered!.Type.Should().Be("pairing.offered");
        var offer = JsonDocument.Parse(offered.Data).RootElement;
        offer.GetProperty("requestId").GetGuid().Should().Be(created.Id);
        offer.GetProperty("client").GetProperty("alias").GetString().Should().Be("Sari Dewi");
        offer.GetProperty("topic").GetString().Should().Be("Keluarga");
        offered.Data.Should().NotContain("@example.com").And.NotContain(clientId.ToString(), "mitras never learn the client's identity");
        (await mitra.ListOfferedPairingRequestsAsync()).Should().Contain(o => o.Id == created.Id);

        var accepted = await mitra.AcceptPairingRequestAsync(created.Id);

        var started = await mitraStream.NextAsync();
        started!.Type.Should().Be("session.started");
        var matched = await clientStream.NextAsync();
        matched!.Type.Should().Be("pairing.matched");
        JsonDocument.Parse(matched.Data).RootElement.GetProperty("sessionId").GetGuid().Should().Be(accepted.SessionId);
        var view = await client.GetMyPairingRequestAsync(created.Id);
        view.Status.Should().Be(HaloBestie.Clients.Public.PairingStatus.Matched);
        view.SessionId.Should().Be(accepted.SessionId);
        view.Mitra!.Id.Should().Be(mitraId);
        (await mitra.GetMyMitraProfileAsync()).ActiveSessions.Should().Be(1);
        (await ProblemOf(() => client.RequestPairingAsync(new RequestPairing()))).Name.Should().Be("already-in-session");
    }

    [Fact]
    public async Task Accept_when_fifty_mitras_on_two_hosts_race_one_wins_and_the_rest_are_already_taken()
    {
        var other = hosts.AnotherPublicHost();
        var admin = await hosts.AdminAsync();
        var mitras = new List<(PublicApiClient App, string Token, Guid MitraId)>();
        for (var i = 0; i < 50; i++)
            mitras.Add(await OnlineMitraAsync(admin));
        var streams = new List<EventStreamReader>();
        foreach (var (_, token, _) in mitras)
            streams.Add(await EventStreamReader.OpenAsync((streams.Count % 2 == 0 ? hosts.Public : other).CreateClient(), "/api/mitra/events", token));
        var (client, _, _) = await hosts.NewRegisteredClientAsync();

        var created = await client.RequestPairingAsync(new RequestPairing());
        foreach (var stream in streams)
            (await stream.NextAsync())!.Type.Should().Be("pairing.offered");

        using var observed = Observed.Start();
        var answers = await Race.AtOnceAsync(mitras.Count, async i =>
        {
            var m = mitras[i];
            var app = i % 2 == 0 ? m.App : HostsFixture.PublicOn(other, m.Token);
            try
            {
                await app.AcceptPairingRequestAsync(created.Id);
                return (m.MitraId, Status: 201, Problem: "");
            }
            catch (Exception e)
            {
                var problem = await ProblemOf(() => Task.FromException(e));
                return (m.MitraId, problem.Status, Problem: problem.Name == "already-taken" ? problem.Name : problem.Name + ": " + problem.Detail);
            }
        });

        answers.Count(a => a.Status == 201).Should().Be(1);
        answers.Where(a => a.Status != 201).Should().HaveCount(49).And.OnlyContain(a => a.Status == 409 && a.Problem == "already-taken");
        // Taken one at a time, every loser would find the request taken by itself; racing, some
        // wait at the gate while the winner decides (the accept-conflict counter, this test's part).
        observed.AcceptConflicts.Should().BePositive("accepts met at the gate: the race really happened");
        var winner = answers.Single(a => a.Status == 201).MitraId;
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        (await session.Query<Session>().Where(s => s.RequestId == created.Id).ToListAsync()).Should().ContainSingle().Which.MitraId.Should().Be(winner);

        for (var i = 0; i < mitras.Count; i++)
        {
            var next = await streams[i].NextAsync();
            var won = mitras[i].MitraId == winner;
            next!.Type.Should().Be(won ? "session.started" : "pairing.closed");
            next.Data.Contains("\"reason\":\"taken\"", StringComparison.Ordinal).Should().Be(!won, "the losers are told it was taken");
        }
        foreach (var stream in streams)
            await stream.DisposeAsync();
    }

    [Fact]
    public async Task Accept_when_a_mitra_of_capacity_one_takes_ten_requests_at_once_gets_exactly_one()
    {
        var (mitra, _, mitraId) = await OnlineMitraAsync();
        await (await hosts.AdminAsync()).SetMitraCapacityAsync(mitraId, new SetMitraCapacityBody { MaxCustomers = 1 });
        var requests = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            var (client, _, _) = await hosts.NewRegisteredClientAsync();
            requests.Add((await client.RequestPairingAsync(new RequestPairing())).Id);
        }

        using var observed = Observed.Start();
        var answers = await Race.AtOnceAsync(requests.Count, async i =>
        {
            try
            {
                await mitra.AcceptPairingRequestAsync(requests[i]);
                return "won";
            }
            catch (Exception e)
            {
                return (await ProblemOf(() => Task.FromException(e))).Name;
            }
        });

        answers.Count(a => a == "won").Should().Be(1);
        answers.Where(a => a != "won").Should().OnlyContain(a => a == "capacity-full");
        // One at a time, each loser would read a full mitra; racing, some lost the write on the
        // mitra's stream and decided again (the accept-conflict counter, this test's part).
        observed.AcceptConflicts.Should().BePositive("accepts met on the mitra's stream: the race really happened");
        var me = await mitra.GetMyMitraProfileAsync();
        me.ActiveSessions.Should().Be(1);
        me.Available.Should().BeFalse();
    }

    [Fact]
    public async Task Request_when_one_client_taps_ten_times_at_once_creates_one()
    {
        var (client, _, clientId) = await hosts.NewRegisteredClientAsync();

        using var observed = Observed.Start();
        var answers = await Race.AtOnceAsync(10, async _ =>
        {
            try
            {
                await client.RequestPairingAsync(new RequestPairing());
                return "201";
            }
            catch (Exception e)
            {
                return (await ProblemOf(() => Task.FromException(e))).Name;
            }
        });

        answers.Count(a => a == "201").Should().Be(1);
        answers.Where(a => a != "201").Should().OnlyContain(a => a == "already-searching");
        observed.MostAtOnceInServer("POST /api/client/pairing-requests").Should().BeGreaterThan(1, "the taps were handled at the same time, not one after another");
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        (await session.Query<PairingRequest>().CountAsync(r => r.ClientId == clientId)).Should().Be(1);
    }

    [Fact]
    public async Task GoOnline_when_a_request_is_searching_is_offered_that_request()
    {
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var created = await client.RequestPairingAsync(new RequestPairing());
        var (app, token, _, _) = await hosts.NewSignedInMitraAsync();
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);

        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });

        // Requests that this class's other tests left searching are offered too: wait for this one.
        ServerSentEvent offered;
        do offered = await stream.NextOfTypeAsync("pairing.offered");
        while (!offered.Data.Contains(created.Id.ToString(), StringComparison.Ordinal));
        (await app.ListOfferedPairingRequestsAsync()).Should().Contain(o => o.Id == created.Id);
    }

    [Fact]
    public async Task Request_when_by_a_guest_or_suspended_or_with_a_bad_topic_or_long_note_is_refused()
    {
        var guest = hosts.PublicAs(FirebaseTokens.Emulator("guest-" + Guid.NewGuid().ToString("N")));
        await guest.SignInClientAsync();
        (await ProblemOf(() => guest.RequestPairingAsync(new RequestPairing()))).Should().BeEquivalentTo(new { Status = 403, Name = "registration-required" }, o => o.ExcludingMissingMembers());

        var (client, _, clientId) = await hosts.NewRegisteredClientAsync();
        (await ProblemOf(() => client.RequestPairingAsync(new RequestPairing { Topic = "Astrologi" }))).Errors.Should().ContainKey("topic");
        (await ProblemOf(() => client.RequestPairingAsync(new RequestPairing { Note = new string('n', 501) }))).Errors.Should().ContainKey("note");

        await (await hosts.AdminAsync()).SuspendClientAsync(clientId, new SuspendClientBody { Reason = "test" });
        (await ProblemOf(() => client.RequestPairingAsync(new RequestPairing()))).Should().BeEquivalentTo(new { Status = 403, Name = "suspended" }, o => o.ExcludingMissingMembers());
    }

    [Fact]
    public async Task Suspend_when_the_client_is_searching_cancels_its_request_and_tells_the_mitras()
    {
        var (_, token, _) = await OnlineMitraAsync();
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);
        var (client, _, clientId) = await hosts.NewRegisteredClientAsync();
        var created = await client.RequestPairingAsync(new RequestPairing());
        (await stream.NextAsync())!.Type.Should().Be("pairing.offered");

        await (await hosts.AdminAsync()).SuspendClientAsync(clientId, new SuspendClientBody { Reason = "abuse" });

        (await client.GetMyPairingRequestAsync(created.Id)).Status.Should().Be(HaloBestie.Clients.Public.PairingStatus.Cancelled);
        var closed = await stream.NextAsync();
        closed!.Type.Should().Be("pairing.closed");
        closed.Data.Should().Contain("cancelled");
    }

    [Fact]
    public async Task Suspend_racing_the_clients_request_and_an_accept_succeeds_and_leaves_no_open_request()
    {
        // The suspension writes the client's stream and its searching request's; the request and
        // the accept lock the client's stream. The suspension locks it first too, so the three take
        // turns: whichever order, the suspension answers 200 (never "try again") and nothing of the
        // client is left searching; a session the accept made before it stays (staff end it).
        var admin = await hosts.AdminAsync();
        var (mitra, _, _) = await OnlineMitraAsync();
        using var observed = Observed.Start();
        for (var round = 0; round < 6; round++)
        {
            var (client, _, clientId) = await hosts.NewRegisteredClientAsync();
            Func<Task<int>> race;
            if (round % 2 == 0)
            {
                race = () => StatusOf(() => client.RequestPairingAsync(new RequestPairing()));
            }
            else
            {
                var searching = await client.RequestPairingAsync(new RequestPairing());
                race = () => StatusOf(() => mitra.AcceptPairingRequestAsync(searching.Id));
            }

            var answers = await Race.AtOnceAsync(
                async () => { await admin.SuspendClientAsync(clientId, new SuspendClientBody { Reason = "race " + round }); return 200; },
                race);

            answers[1].Should().BeOneOf([200, 201, 403, 409], $"round {round}: the client's call is answered, refused or closed, never 5xx");
            await using var query = hosts.Service<IDocumentStore>().QuerySession();
            (await query.Query<PairingRequest>().Where(r => r.ClientId == clientId && r.Status == HaloBestie.Domain.Pairing.PairingStatus.Searching).CountAsync())
                .Should().Be(0, $"round {round}: a suspended client is searching for nobody");
            foreach (var open in await query.Query<Session>().Where(s => s.ClientId == clientId && s.Status == HaloBestie.Domain.Sessions.SessionStatus.Active).ToListAsync())
                await admin.EndSessionByStaffAsync(open.Id, new EndSessionByStaffBody { Reason = "test over" });
        }
        observed.Measurements.Where(m => m.Instrument == "halobestie.writes.conflicts" && Equals(m.Tags["kind"], "deadlock"))
            .Should().BeEmpty("the suspension, the request and the accept lock the client's stream first");

        static async Task<int> StatusOf(Func<Task> call)
        {
            try
            {
                await call();
                return 200;
            }
            catch (HaloBestie.Clients.Public.ApiException e) when (e.StatusCode < 500)
            {
                return e.StatusCode;
            }
        }
    }

    [Fact]
    public async Task Accept_or_cancel_when_the_client_cancelled_returns_request_closed()
    {
        var (mitra, _, _) = await OnlineMitraAsync();
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var created = await client.RequestPairingAsync(new RequestPairing());

        await client.CancelPairingRequestAsync(created.Id);

        (await ProblemOf(() => mitra.AcceptPairingRequestAsync(created.Id))).Should().BeEquivalentTo(new { Status = 409, Name = "request-closed" }, o => o.ExcludingMissingMembers());
        (await ProblemOf(() => client.CancelPairingRequestAsync(created.Id))).Name.Should().Be("request-closed");
        (await client.GetMyPairingRequestAsync(created.Id)).Status.Should().Be(HaloBestie.Clients.Public.PairingStatus.Cancelled);
        (await client.RequestPairingAsync(new RequestPairing())).Status.Should().Be(HaloBestie.Clients.Public.PairingStatus.Searching, "a cancelled request frees the client to ask again");
    }

    [Fact]
    public async Task Access_when_the_request_is_another_clients_returns_404_and_an_offline_accept_403()
    {
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var created = await client.RequestPairingAsync(new RequestPairing());
        var (stranger, _, _) = await hosts.NewRegisteredClientAsync();
        (await ProblemOf(() => stranger.GetMyPairingRequestAsync(created.Id))).Status.Should().Be(404);
        (await ProblemOf(() => stranger.CancelPairingRequestAsync(created.Id))).Status.Should().Be(404);

        var (offline, _, _, _) = await hosts.NewSignedInMitraAsync();
        (await ProblemOf(() => offline.AcceptPairingRequestAsync(created.Id))).Status.Should().Be(403);
        (await ProblemOf(() => client.AcceptPairingRequestAsync(created.Id))).Name.Should().Be("not-a-mitra");
    }

    [Fact]
    public async Task ListPairingRequests_when_filtered_by_status_returns_only_that_status()
    {
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var created = await client.RequestPairingAsync(new RequestPairing());
        var (staff, _) = await hosts.NewStaffAsync();

        (await staff.ListPairingRequestsAsync("searching", 1, 100)).Items.Should().Contain(r => r.Id == created.Id);
        (await staff.ListPairingRequestsAsync("matched", 1, 100)).Items.Should().NotContain(r => r.Id == created.Id);
        (await ProblemOf(() => staff.ListPairingRequestsAsync("lost", null, null))).Errors.Should().ContainKey("status");
    }
}
