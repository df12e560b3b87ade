using System.Text.Json;
using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Sessions;

public class SessionTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private async Task<(PublicApiClient Client, string ClientToken, Guid SessionId)> MatchedAsync(PublicApiClient mitra)
    {
        var (client, token, _) = await hosts.NewRegisteredClientAsync();
        var request = await client.RequestPairingAsync(new RequestPairing());
        var accepted = await mitra.AcceptPairingRequestAsync(request.Id);
        return (client, token, accepted.SessionId);
    }

    [Fact]
    public async Task End_when_the_client_ends_the_session_both_see_it_and_the_mitra_is_freed_once()
    {
        var (mitra, mitraToken, _) = await hosts.NewOnlineMitraAsync();
        var (client, _, sessionId) = await MatchedAsync(mitra);
        await using var mitraStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", mitraToken);

        (await client.GetMyActiveSessionAsync()).Id.Should().Be(sessionId);
        (await mitra.ListMyActiveSessionsAsync()).Should().ContainSingle(s => s.Id == sessionId);

        var ended = await client.EndMySessionAsync(sessionId, new EndMySessionBody { Reason = "terima kasih" });

        ended.Status.Should().Be(HaloBestie.Clients.Public.SessionStatus.Ended);
        ended.EndedBy.Should().Be(ClientSessionViewEndedBy.Client);
        (await ProblemOf(() => client.EndMySessionAsync(sessionId, null))).Should().BeEquivalentTo(new { Status = 409, Name = "session-ended" }, o => o.ExcludingMissingMembers());
        (await ProblemOf(() => mitra.EndMitraSessionAsync(sessionId, null))).Name.Should().Be("session-ended");
        (await ProblemOf(() => client.GetMyActiveSessionAsync())).Status.Should().Be(404);
        (await client.ListMySessionsAsync(null, null)).Items.Should().ContainSingle(s => s.Id == sessionId);
        (await mitra.GetMyMitraProfileAsync()).ActiveSessions.Should().Be(0);
        var endedEvent = await mitraStream.NextOfTypeAsync("session.ended");
        JsonDocument.Parse(endedEvent.Data).RootElement.GetProperty("endedBy").GetString().Should().Be("client");
        ended.EndReasonCode.Should().Be(ClientSessionViewEndReasonCode.EndedByClient);
        ended.EndMessage.Should().Be("terima kasih", "the client's own words are for the mitra to read");
        JsonDocument.Parse(endedEvent.Data).RootElement.GetProperty("reasonCode").GetString().Should().Be("ended-by-client");
    }

    [Fact]
    public async Task End_by_staff_shows_the_parties_a_code_and_the_message_written_for_them_never_the_staff_reason()
    {
        var (mitra, mitraToken, _) = await hosts.NewOnlineMitraAsync();
        var (client, clientToken, sessionId) = await MatchedAsync(mitra);
        await using var clientStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/client/events", clientToken);
        await using var mitraStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", mitraToken);
        var (staff, _) = await hosts.NewStaffAsync();
        const string internalReason = "klien melanggar aturan; catatan internal";
        const string message = "Sesi ini diakhiri oleh pusat layanan Halo Bestie.";

        var ended = await staff.EndSessionByStaffAsync(sessionId, new EndSessionByStaffBody { Reason = internalReason, Message = message });

        ended.EndReason.Should().Be(internalReason, "staff keep their reason for the record");
        ended.EndReasonCode.Should().Be("ended-by-staff");
        ended.EndMessage.Should().Be(message);
        var clientView = await client.GetMySessionAsync(sessionId);
        clientView.EndReasonCode.Should().Be(ClientSessionViewEndReasonCode.EndedByStaff);
        clientView.EndMessage.Should().Be(message);
        clientView.EndReason.Should().Be(message, "apps that read endReason see the message, not the staff's reason");
        var mitraView = await mitra.GetMitraSessionAsync(sessionId);
        mitraView.EndReasonCode.Should().Be(MitraSessionViewEndReasonCode.EndedByStaff);
        mitraView.EndMessage.Should().Be(message);
        foreach (var stream in new[] { clientStream, mitraStream })
        {
            var data = (await stream.NextOfTypeAsync("session.ended")).Data;
            data.Should().NotContain(internalReason);
            var json = JsonDocument.Parse(data).RootElement;
            json.GetProperty("reasonCode").GetString().Should().Be("ended-by-staff");
            json.GetProperty("message").GetString().Should().Be(message);
            json.GetProperty("reason").GetString().Should().Be(message);
        }

        var (other, otherClientToken, otherId) = await MatchedAsync(mitra);
        await staff.EndSessionByStaffAsync(otherId, new EndSessionByStaffBody { Reason = internalReason });
        var silent = await other.GetMySessionAsync(otherId);
        silent.EndMessage.Should().BeNull();
        silent.EndReason.Should().Be("ended-by-staff", "without a message the parties see the code");
    }

    [Fact]
    public async Task GetOrEnd_when_the_session_is_someone_elses_returns_404()
    {
        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var (_, _, sessionId) = await MatchedAsync(mitra);
        var (stranger, _, _) = await hosts.NewRegisteredClientAsync();
        var (otherMitra, _, _) = await hosts.NewOnlineMitraAsync();

        (await ProblemOf(() => stranger.GetMySessionAsync(sessionId))).Status.Should().Be(404);
        (await ProblemOf(() => stranger.EndMySessionAsync(sessionId, null))).Status.Should().Be(404);
        (await ProblemOf(() => otherMitra.EndMitraSessionAsync(sessionId, null))).Status.Should().Be(404);
        (await otherMitra.ListMyActiveSessionsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Reroute_of_two_sessions_swapping_their_mitras_at_once_moves_both_without_a_deadlock()
    {
        // Each reroute writes both mitras' streams (the target receives, the previous one is freed):
        // two reroutes swapping mitras meet on the same two streams from opposite sides. Until
        // 2026-12-05 they locked them at commit in opposite orders: a deadlock in a full-suite run.
        var (staff, _) = await hosts.NewStaffAsync();
        using var observed = Observed.Start();
        for (var round = 0; round < 10; round++)
        {
            var (a, _, aId) = await hosts.NewOnlineMitraAsync();
            var (b, _, bId) = await hosts.NewOnlineMitraAsync();
            var (_, _, first) = await MatchedAsync(a);
            var (_, _, second) = await MatchedAsync(b);

            await Race.AtOnceAsync(
                async () => (await staff.RerouteSessionAsync(first, new RerouteSessionBody { ToMitraId = bId, Reason = "swap", Force = true })).MitraId,
                async () => (await staff.RerouteSessionAsync(second, new RerouteSessionBody { ToMitraId = aId, Reason = "swap", Force = true })).MitraId);

            ((await staff.GetSessionAsync(first)).MitraId, (await staff.GetSessionAsync(second)).MitraId).Should().Be((bId, aId), $"round {round}");
        }
        observed.Measurements.Where(m => m.Instrument == "halobestie.writes.conflicts" && Equals(m.Tags["kind"], "deadlock"))
            .Should().BeEmpty("the two reroutes write the mitras' streams in one order");
        observed.MostAtOnceInServer("POST /api/internal/sessions/{id}/reroute")
            .Should().Be(2, "the race is real: the two reroutes were handled at the same time");
    }

    [Fact]
    public async Task Reroute_when_twice_lists_each_step_with_its_actor_and_the_past_state_names_the_middle_mitra()
    {
        var (first, firstToken, firstId) = await hosts.NewOnlineMitraAsync();
        var (_, secondToken, secondId) = await hosts.NewOnlineMitraAsync();
        var (_, _, thirdId) = await hosts.NewOnlineMitraAsync();
        var (client, clientToken, sessionId) = await MatchedAsync(first);
        await using var firstStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", firstToken);
        await using var secondStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", secondToken);
        await using var clientStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/client/events", clientToken);
        var (staff, me) = await hosts.NewStaffAsync();

        await staff.RerouteSessionAsync(sessionId, new RerouteSessionBody { ToMitraId = secondId, Reason = "first mitra unwell" });
        (await firstStream.NextOfTypeAsync("session.ended")).Data.Should().Contain("rerouted");
        (await secondStream.NextOfTypeAsync("session.started")).Data.Should().Contain(sessionId.ToString());
        (await clientStream.NextOfTypeAsync("session.rerouted")).Data.Should().Contain(secondId.ToString());
        // A clear moment between the reroutes (the host's and the test's clocks are one clock, but leave room).
        await Task.Delay(1100);
        var between = DateTimeOffset.UtcNow;
        await Task.Delay(1100);
        await staff.RerouteSessionAsync(sessionId, new RerouteSessionBody { ToMitraId = thirdId, Reason = "specialist" });
        await staff.EndSessionByStaffAsync(sessionId, new EndSessionByStaffBody { Reason = "closing" });

        var history = (await staff.GetSessionHistoryAsync(sessionId)).ToList();
        history.Select(h => h.Sequence).Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);
        history.Select(h => h.Type).Should().Equal(
            "session_started", "message_sent", "session_rerouted", "message_sent", "session_rerouted", "message_sent", "message_sent", "session_ended");
        history.Select(h => h.Actor.Kind).Should().Equal("mitra", "system", "staff", "system", "staff", "system", "system", "staff");
        history[0].Actor.Id.Should().Be(firstId);
        history.Where(h => h.Actor.Kind == "staff").Should().OnlyContain(h => h.Actor.Id == me.Id);
        history.Where(h => h.Type == "message_sent").Select(h => ((System.Text.Json.JsonElement)h.Data).GetProperty("kind").GetString())
            .Should().Equal("start", "handover", "handover", "end");
        history.Should().BeInAscendingOrder(h => h.At);

        (await staff.GetSessionStateAtAsync(sessionId, between)).MitraId.Should().Be(secondId);
        (await staff.GetSessionAsync(sessionId)).MitraId.Should().Be(thirdId);
        (await ProblemOf(() => staff.GetSessionStateAtAsync(sessionId, DateTimeOffset.UtcNow.AddDays(-1)))).Status.Should().Be(404);

        var audit = await staff.ListAuditEntriesAsync(me.Id, null, null, null, null);
        audit.Items.Select(a => a.Action).Should().Contain(["session.rerouted", "session.ended", "session.history-opened"]);
        (await first.GetMyMitraProfileAsync()).ActiveSessions.Should().Be(0);
        (await client.GetMySessionAsync(sessionId)).Mitra.Id.Should().Be(thirdId);
    }

    [Fact]
    public async Task History_when_the_id_is_not_a_sessions_returns_404_and_so_does_past_state()
    {
        var (mitra, _, mitraId) = await hosts.NewOnlineMitraAsync();
        var (client, _, clientId) = await hosts.NewRegisteredClientAsync();
        var request = await client.RequestPairingAsync(new RequestPairing());
        await mitra.AcceptPairingRequestAsync(request.Id);
        var (staff, me) = await hosts.NewStaffAsync();

        foreach (var notASession in new[] { mitraId, clientId, request.Id, Guid.NewGuid() })
        {
            (await ProblemOf(() => staff.GetSessionHistoryAsync(notASession)))
                .Should().BeEquivalentTo(new { Status = 404, Name = "not-found" }, o => o.ExcludingMissingMembers());
            (await ProblemOf(() => staff.GetSessionStateAtAsync(notASession, DateTimeOffset.UtcNow)))
                .Should().BeEquivalentTo(new { Status = 404, Name = "not-found" }, o => o.ExcludingMissingMembers());
        }

        var audit = await staff.ListAuditEntriesAsync(me.Id, null, null, null, null);
        audit.Items.Select(a => a.Action).Should().NotContain("session.history-opened", "nothing was opened");
    }

    [Fact]
    public async Task Reroute_when_the_target_is_offline_or_full_unforced_or_the_session_ended_is_refused()
    {
        var (first, _, _) = await hosts.NewOnlineMitraAsync();
        var (_, _, sessionId) = await MatchedAsync(first);
        var (offline, _, offlineId, _) = await hosts.NewSignedInMitraAsync();
        var (busy, _, busyId) = await hosts.NewOnlineMitraAsync();
        var (staff, _) = await hosts.NewStaffAsync();
        await staff.SetMitraCapacityAsync(busyId, new SetMitraCapacityBody { MaxCustomers = 1 });
        await MatchedAsync(busy);

        (await ProblemOf(() => staff.RerouteSessionAsync(sessionId, new RerouteSessionBody { ToMitraId = offlineId, Reason = "x" })))
            .Should().BeEquivalentTo(new { Status = 409, Name = "mitra-unavailable" }, o => o.ExcludingMissingMembers());
        (await ProblemOf(() => staff.RerouteSessionAsync(sessionId, new RerouteSessionBody { ToMitraId = busyId, Reason = "x" }))).Name.Should().Be("capacity-full");

        (await staff.RerouteSessionAsync(sessionId, new RerouteSessionBody { ToMitraId = busyId, Reason = "x", Force = true })).MitraId.Should().Be(busyId);
        (await busy.GetMyMitraProfileAsync()).ActiveSessions.Should().Be(2, "force may exceed capacity");

        await staff.EndSessionByStaffAsync(sessionId, new EndSessionByStaffBody { Reason = "done" });
        (await ProblemOf(() => staff.RerouteSessionAsync(sessionId, new RerouteSessionBody { ToMitraId = offlineId, Reason = "x" }))).Name.Should().Be("session-ended");
        (await ProblemOf(() => staff.RerouteSessionAsync(Guid.NewGuid(), new RerouteSessionBody { ToMitraId = busyId, Reason = "x" }))).Status.Should().Be(404);
    }

    [Fact]
    public async Task End_when_a_request_is_searching_offers_it_to_the_freed_mitra()
    {
        var (mitra, token, mitraId) = await hosts.NewOnlineMitraAsync();
        await (await hosts.AdminAsync()).SetMitraCapacityAsync(mitraId, new SetMitraCapacityBody { MaxCustomers = 1 });
        var (_, _, sessionId) = await MatchedAsync(mitra);
        var (waiting, _, _) = await hosts.NewRegisteredClientAsync();
        var request = await waiting.RequestPairingAsync(new RequestPairing());
        (await mitra.ListOfferedPairingRequestsAsync()).Should().NotContain(o => o.Id == request.Id, "a full mitra is not offered requests");
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);

        await mitra.EndMitraSessionAsync(sessionId, null);

        (await stream.NextOfTypeAsync("pairing.offered")).Data.Should().Contain(request.Id.ToString());
    }

    [Fact]
    public async Task SetCapacity_when_raised_for_a_full_mitra_offers_it_what_is_still_searching()
    {
        var (mitra, token, mitraId) = await hosts.NewOnlineMitraAsync();
        var admin = await hosts.AdminAsync();
        await admin.SetMitraCapacityAsync(mitraId, new SetMitraCapacityBody { MaxCustomers = 1 });
        await MatchedAsync(mitra);
        var (waiting, _, _) = await hosts.NewRegisteredClientAsync();
        var request = await waiting.RequestPairingAsync(new RequestPairing());
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);

        await admin.SetMitraCapacityAsync(mitraId, new SetMitraCapacityBody { MaxCustomers = 2 });

        (await stream.NextOfTypeAsync("pairing.offered")).Data.Should().Contain(request.Id.ToString());
    }
}
