using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;

namespace HaloBestie.IntegrationTests.Sessions;

/// <summary>
/// <c>GET /api/internal/sessions</c> and its filters (API.md: status, mitraId, clientId, from,
/// to, paging), and the control center's time parameters given in local time: an operator in
/// Jakarta sends <c>+07:00</c>, which must mean the same instant as its UTC spelling on every
/// route that takes a time.
/// </summary>
public class SessionListTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private static readonly TimeSpan Jakarta = TimeSpan.FromHours(7);

    [Fact]
    public async Task ListSessions_when_filtered_by_status_mitra_client_and_start_returns_the_matches()
    {
        var (staff, _) = await hosts.NewStaffAsync();
        var (first, _, firstId) = await hosts.NewOnlineMitraAsync();
        var (second, _, secondId) = await hosts.NewOnlineMitraAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (client, _, clientId) = await hosts.NewRegisteredClientAsync();
        var ended = (await first.AcceptPairingRequestAsync((await client.RequestPairingAsync(new RequestPairing())).Id)).SessionId;
        await client.EndMySessionAsync(ended, null);
        var (secondClient, _, secondClientId) = await hosts.NewRegisteredClientAsync();
        var again = (await second.AcceptPairingRequestAsync((await secondClient.RequestPairingAsync(new RequestPairing())).Id)).SessionId;
        var (other, _, _) = await hosts.NewRegisteredClientAsync();
        var others = (await first.AcceptPairingRequestAsync((await other.RequestPairingAsync(new RequestPairing())).Id)).SessionId;
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        async Task<IEnumerable<Guid>> Ids(string? status = null, Guid? mitra = null, Guid? clientFilter = null, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
            (await staff.ListSessionsAsync(status, mitra, clientFilter, from, to, null, null)).Items.Select(s => s.Id);

        (await staff.ListSessionsAsync(null, firstId, null, null, null, null, null)).Items.Select(s => s.Id).Should().Equal(others, ended); // newest first
        (await Ids(status: "ended")).Should().Contain(ended).And.NotContain([again, others]);
        (await Ids(status: "active")).Should().Contain([again, others]).And.NotContain(ended);
        (await Ids(mitra: firstId)).Should().BeEquivalentTo([ended, others]);
        (await Ids(mitra: secondId)).Should().BeEquivalentTo([again]);
        (await Ids(clientFilter: clientId)).Should().BeEquivalentTo([ended]);
        (await Ids(clientFilter: secondClientId)).Should().BeEquivalentTo([again]);
        (await Ids(status: "active", clientFilter: clientId)).Should().BeEmpty();
        (await Ids(mitra: firstId, from: after)).Should().BeEmpty();
        (await Ids(mitra: firstId, to: before)).Should().BeEmpty();
        (await Ids(mitra: firstId, from: before.ToOffset(Jakarta), to: after.ToOffset(Jakarta))).Should().BeEquivalentTo([ended, others], "+07:00 is the same instant");
        (await Ids(mitra: firstId, from: after.ToOffset(Jakarta))).Should().BeEmpty("+07:00 is the same instant");
        var page = await staff.ListSessionsAsync(null, firstId, null, null, null, 2, 1);
        page.Items.Select(s => s.Id).Should().Equal(ended);
        page.Total.Should().Be(2);
        (await Problems.ProblemOf(() => staff.ListSessionsAsync("paused", null, null, null, null, null, null))).Name.Should().Be("validation");
    }

    [Fact]
    public async Task Query_when_a_time_has_a_local_offset_reads_it_as_the_same_instant_on_every_route()
    {
        var (staff, me) = await hosts.NewStaffAsync();
        var (mitra, _, mitraId) = await hosts.NewOnlineMitraAsync();
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var sessionId = (await mitra.AcceptPairingRequestAsync((await client.RequestPairingAsync(new RequestPairing())).Id)).SessionId;
        await staff.ForceMitraOfflineAsync(mitraId, new ForceMitraOfflineBody { Reason = "end of shift" });
        var now = DateTimeOffset.UtcNow;
        var local = now.ToOffset(Jakarta);

        (await staff.GetSessionStateAtAsync(sessionId, local)).Id.Should().Be(sessionId);
        (await staff.ListAuditEntriesAsync(me.Id, local.AddMinutes(-5), local.AddMinutes(5), null, null)).Items
            .Should().Contain(a => a.Action == "mitra.forced-offline");
        (await staff.GetMitraOnlineLogsAsync(mitraId, local.AddDays(-1), local.AddMinutes(5))).Periods.Should().ContainSingle();
    }
}
