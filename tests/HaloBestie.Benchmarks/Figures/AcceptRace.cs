using System.Diagnostics;
using HaloBestie.Benchmarks.Harness;
using Pub = HaloBestie.Clients.Public;

namespace HaloBestie.Benchmarks.Figures;

/// <summary>
/// One searching request offered to N online mitras; all N send
/// <c>POST /api/mitra/pairing-requests/{id}/accept</c> at the same instant. Measured: from the
/// release of the N calls until the last caller has its answer; exactly one 201, every other
/// 409. Each round uses a fresh client (its trial session pays) and ends the session afterwards
/// so the winner's capacity is free again.
/// </summary>
public static class AcceptRace
{
    public static async Task RunAsync(BenchSystem system, EventStreams streams, IReadOnlyList<BenchMitra> mitras, Sizes sizes, Report report)
    {
        var callers = mitras.Take(sizes.AcceptCallers).ToArray();
        var rounds = new List<double>();
        var firstAnswers = new List<double>();
        var winnerAnswers = new List<double>();
        var winnersPerRound = new List<int>();
        for (var round = 0; round < sizes.AcceptRounds + 1; round++)
        {
            var client = await system.NewClientAsync();
            var request = await client.Api.RequestPairingAsync(new Pub.RequestPairing());
            if (!await streams.WaitForOffersAsync(request.Id, mitras.Count, TimeSpan.FromSeconds(10)))
                throw new InvalidOperationException("The request was not offered to every mitra.");
            // Open one pooled connection per caller first, as the apps' connections would be.
            await Task.WhenAll(callers.Select(c => c.Api.RecordHeartbeatAsync()));

            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var answers = callers.Select(c => Task.Run(async () =>
            {
                await gate.Task;
                try
                {
                    var accepted = await c.Api.AcceptPairingRequestAsync(request.Id);
                    return (Status: 201, Session: (Guid?)accepted.SessionId, At: Stopwatch.GetTimestamp());
                }
                catch (Pub.ApiException e)
                {
                    return (Status: e.StatusCode, Session: (Guid?)null, At: Stopwatch.GetTimestamp());
                }
            })).ToArray();
            var releasedAt = Stopwatch.GetTimestamp();
            gate.SetResult();
            var results = await Task.WhenAll(answers);

            var winners = results.Where(r => r.Status == 201).ToArray();
            if (results.Any(r => r.Status is not (201 or 409)))
                throw new InvalidOperationException("Unexpected answers: " + string.Join(", ", results.Select(r => r.Status).Distinct()));
            if (round > 0) // the first round warms the path
            {
                rounds.Add(Stats.Ms(releasedAt, results.Max(r => r.At)));
                firstAnswers.Add(Stats.Ms(releasedAt, results.Min(r => r.At)));
                winnerAnswers.AddRange(winners.Select(w => Stats.Ms(releasedAt, w.At)));
                winnersPerRound.Add(winners.Length);
            }
            if (winners.Length == 1)
                await client.Api.EndMySessionAsync(winners[0].Session!.Value, new Pub.EndMySessionBody());
        }

        var worst = rounds.Max();
        report.Add(new Row(
            $"accept race: {callers.Length} concurrent accepts, until every caller has its answer ({rounds.Count} rounds)",
            $"median {Report.F(Stats.Median(rounds), "0")} ms, worst {Report.F(worst, "0")} ms",
            "—",
            "≤ 250 ms, exactly one winner",
            worst <= 250 && winnersPerRound.All(w => w == 1),
            $"winners per round: {string.Join(" ", winnersPerRound)}; the others 409; first answer median {Report.F(Stats.Median(firstAnswers), "0")} ms; the winner's answer median {Report.F(Stats.Median(winnerAnswers), "0")} ms"));
    }
}
