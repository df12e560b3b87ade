using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Sessions;

/// <summary><c>GET /api/mitra/sessions/{id}</c>: the worked example of docs/architecture.md "How to add a use case".</summary>
public class GetMitraSessionTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Get_when_the_session_ended_still_shows_it_to_its_mitra_with_the_client_as_an_alias()
    {
        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var (client, _, clientId) = await hosts.NewRegisteredClientAsync("Sari Dewi");
        var sessionId = (await mitra.AcceptPairingRequestAsync((await client.RequestPairingAsync(new RequestPairing())).Id)).SessionId;
        await client.EndMySessionAsync(sessionId, null);

        var session = await mitra.GetMitraSessionAsync(sessionId);

        session.Id.Should().Be(sessionId);
        session.Status.Should().Be(SessionStatus.Ended);
        session.EndedBy.Should().Be(MitraSessionViewEndedBy.Client);
        session.Client.Alias.Should().Be("Sari Dewi", "display names are shown to mitras by default");
        System.Text.Json.JsonSerializer.Serialize(session).Should().NotContain(clientId.ToString(), "a mitra never learns the client's identity");
    }

    [Fact]
    public async Task Get_when_the_session_is_another_mitras_answers_404()
    {
        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var (other, _, _) = await hosts.NewOnlineMitraAsync();
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var sessionId = (await mitra.AcceptPairingRequestAsync((await client.RequestPairingAsync(new RequestPairing())).Id)).SessionId;

        var problem = await ProblemOf(() => other.GetMitraSessionAsync(sessionId));

        (problem.Status, problem.Name).Should().Be((404, "not-found"));
    }

    [Fact]
    public async Task List_when_a_mitra_has_sessions_pages_its_own_newest_first_with_has_more()
    {
        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var (other, _, _) = await hosts.NewOnlineMitraAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var (client, _, _) = await hosts.NewRegisteredClientAsync();
            ids.Add((await mitra.AcceptPairingRequestAsync((await client.RequestPairingAsync(new RequestPairing())).Id)).SessionId);
            if (i == 0)
                await client.EndMySessionAsync(ids[0], null);
        }

        var first = await mitra.ListMitraSessionsAsync(1, 2);
        var second = await mitra.ListMitraSessionsAsync(2, 2);

        first.Items.Select(s => s.Id).Should().Equal(ids[2], ids[1]);
        (first.Page, first.PageNumber, first.PageSize, first.Total, first.HasMore).Should().Be((1, 1, 2, 3L, true));
        second.Items.Select(s => s.Id).Should().Equal(ids[0]);
        second.Items.Single().Status.Should().Be(SessionStatus.Ended, "ended sessions are listed too");
        second.HasMore.Should().BeFalse();
        (await other.ListMitraSessionsAsync(null, null)).Items.Should().NotContain(s => ids.Contains(s.Id), "a mitra sees only its own");
    }
}
