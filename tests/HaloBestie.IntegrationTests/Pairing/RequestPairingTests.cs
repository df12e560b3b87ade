using System.Diagnostics;
using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Pairing;

/// <summary>
/// "Mulai Curhat" tapped twice by one client. A second tap must never leave a searching request
/// beside the session the first tap's request became, whatever moment of the accept it meets.
/// </summary>
public class RequestPairingTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Request_when_a_second_tap_meets_the_accept_of_the_first_is_refused_and_leaves_no_request_beside_the_session()
    {
        // The second tap's checks (no active session, no searching request) once ran as two queries:
        // an accept committing between them let both pass, and a second request was made beside the
        // session. The window is a millisecond wide, so each round starts the tap at another offset
        // from the accept, from 12 ms before to 12 ms after, released together by one gate.
        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var answers = new List<string>();
        for (var round = 0; round < 48; round++)
        {
            var (client, _, _) = await hosts.NewRegisteredClientAsync();
            var first = await client.RequestPairingAsync(new RequestPairing());
            var offset = TimeSpan.FromMilliseconds(-12 + round * 0.5);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var accept = Task.Run(async () =>
            {
                await gate.Task;
                SpinFor(-offset);
                await mitra.AcceptPairingRequestAsync(first.Id);
            });
            var secondTap = Task.Run(async () =>
            {
                await gate.Task;
                SpinFor(offset);
                return await OutcomeOf(() => client.RequestPairingAsync(new RequestPairing()));
            });
            gate.SetResult();
            await accept;
            var answer = await secondTap;

            answer.Should().BeOneOf(["already-searching", "already-in-session"], $"round {round} (tap {offset.TotalMilliseconds} ms after the accept): the first request is searching or became a session");
            answers.Add(answer);
            var session = await client.GetMyActiveSessionAsync();
            (await client.ListMySessionsAsync(null, null)).Items.Should().ContainSingle();
            await client.EndMySessionAsync(session.Id, null);
        }

        // Proof that the sweep met the accept on both sides: some taps came before it, some after.
        answers.Should().Contain("already-searching").And.Contain("already-in-session");
    }

    [Fact]
    public async Task Request_when_the_first_answer_was_lost_names_the_searching_request_then_the_session()
    {
        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var first = await client.RequestPairingAsync(new RequestPairing()); // its 201 never reached the app

        var searching = await ProblemOf(() => client.RequestPairingAsync(new RequestPairing()));

        (searching.Status, searching.Name).Should().Be((409, "already-searching"));
        searching.Extensions!["requestId"].Should().Be(first.Id.ToString());
        (await client.GetMySearchingRequestAsync()).Id.Should().Be(first.Id, "an app that lost the answer finds its request");
        var session = (await mitra.AcceptPairingRequestAsync(first.Id)).SessionId;
        (await ProblemOf(() => client.GetMySearchingRequestAsync())).Name.Should().Be("not-found", "nothing searches once matched");
        var inSession = await ProblemOf(() => client.RequestPairingAsync(new RequestPairing()));
        (inSession.Status, inSession.Name).Should().Be((409, "already-in-session"));
        inSession.Extensions!["sessionId"].Should().Be(session.ToString());
    }

    private static void SpinFor(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
            return;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < delay)
            Thread.SpinWait(20);
    }

    private static async Task<string> OutcomeOf(Func<Task> call)
    {
        try
        {
            await call();
            return "ok";
        }
        catch (ApiException e)
        {
            return (await ProblemOf(() => Task.FromException(e))).Name;
        }
    }
}
