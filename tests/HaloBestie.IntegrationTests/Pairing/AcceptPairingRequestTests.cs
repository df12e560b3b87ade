using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Pairing;

/// <summary><c>POST /api/mitra/pairing-requests/{id}/accept</c> as a mobile app retries it.</summary>
public class AcceptPairingRequestTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Accept_when_the_winner_asks_again_answers_the_same_session_and_starts_no_other()
    {
        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var request = await client.RequestPairingAsync(new RequestPairing());
        var first = await mitra.AcceptPairingRequestAsync(request.Id);

        var again = await mitra.AcceptPairingRequestAsync(request.Id); // the first answer was lost on the way

        again.SessionId.Should().Be(first.SessionId);
        (await mitra.GetMyMitraProfileAsync()).ActiveSessions.Should().Be(1, "no second session was taken");
        (await client.GetMyEntitlementsAsync()).TrialSessionsLeft.Should().Be(0, "one trial session was spent, once");
    }

    [Fact]
    public async Task Accept_when_another_mitra_won_answers_already_taken()
    {
        var (winner, _, _) = await hosts.NewOnlineMitraAsync();
        var (loser, _, _) = await hosts.NewOnlineMitraAsync();
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var request = await client.RequestPairingAsync(new RequestPairing());
        await winner.AcceptPairingRequestAsync(request.Id);

        var problem = await ProblemOf(() => loser.AcceptPairingRequestAsync(request.Id));

        (problem.Status, problem.Name).Should().Be((409, "already-taken"));
    }
}
