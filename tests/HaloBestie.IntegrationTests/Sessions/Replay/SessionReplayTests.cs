using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using DomainSessionStatus = HaloBestie.Domain.Sessions.SessionStatus;
using Mitra = HaloBestie.Domain.Mitras.Mitra;
using SessionActors = HaloBestie.Domain.Sessions.SessionActors;

namespace HaloBestie.IntegrationTests.Sessions.Replay;

/// <summary>
/// Both hosts on one fake clock (<see cref="HostsFixture.InternalHostOnClock"/>): what staff do is dated on the same clock as
/// starts and time-ups, so "ended by staff within 5 minutes" (the credit comes back) means what it says.
/// </summary>
public sealed class SessionReplayFixture : HostsFixture
{
    public SessionReplayFixture() => Clock = new FakeTimeProvider(DateTimeOffset.UtcNow);

    protected override bool InternalHostOnClock => true;
}

/// <summary>
/// Random operations on sessions (<see cref="ReplayGenerator"/>), several at once, each answer checked against the ones the
/// contract allows (<see cref="ReplayModel.Allow"/>), then every read model compared with its stream replayed. The seed is
/// printed; <c>HALOBESTIE_SESSION_REPLAY_SEED</c> makes the same choices again, <c>HALOBESTIE_EXPLORE=1</c> draws one.
/// </summary>
public class SessionReplayTests(SessionReplayFixture hosts, ITestOutputHelper output) : IClassFixture<SessionReplayFixture>
{
    private const int Batches = 30; // halfway, the clock jumps past every session's end

    [Fact]
    public async Task Sessions_when_random_operations_run_at_once_and_time_up_each_read_model_equals_its_stream_replayed()
    {
        var (seed, started) = (ReplayGenerator.Seed(), DateTime.UtcNow);
        output.WriteLine($"seed {seed} (replay with {ReplayGenerator.SeedVariable}={seed})");
        var generator = new ReplayGenerator(seed);
        var (run, model) = await ReplayRun.StartAsync(hosts);
        for (var batch = 0; batch < Batches; batch++)
        {
            var before = await run.SnapshotAsync(model);
            var played = await run.PlayAsync(generator.Plan(before, model));
            output.WriteLine($"batch {batch} at {before.Now:HH:mm:ss}: {string.Join("; ", played)}");
            await EachAnswerIsOneTheContractAllowsAsync(played, before, model,
                $"in batch {batch} of seed {seed}: {string.Join("; ", played)} (details: {string.Join("; ", played.SelectMany(p => p.Outcome.Details))})");
            model.Record(played, before);
            if (batch == Batches / 2 - 1)
                await run.JumpPastEverySessionEndAsync(model);
            else
                run.Step(generator.NextClockStep());
        }
        await run.WaitForTimersAsync(model);

        await using var query = hosts.Service<IDocumentStore>().QuerySession();
        var sessions = await ReplayInvariants.EachSessionEqualsItsStreamReplayedAsync(query, model, $"seed {seed}");
        await ReplayInvariants.EachMitraHoldsItsActiveSessionsAsync(query, model, sessions, $"seed {seed}");
        await ReplayInvariants.EachClientSpentOneTrialPerSessionAsync(query, model, sessions, $"seed {seed}");
        output.WriteLine($"{sessions.Values.Count(d => d.WarnedAt is not null)} sessions warned, {sessions.Values.Count(d => d.EndedBy == SessionActors.System)} ended at time-up, " +
            $"{sessions.Values.Count(d => d.Status == DomainSessionStatus.Active)} still active");
        model.Answered.Should().ContainKey(ReplayModel.OntoFullKey, "a forced reroute put a second session on the mitra of capacity 1");
        foreach (var kind in new[] { Kind.ClientEnd, Kind.MitraEnd, Kind.StaffEnd, Kind.Reroute, Kind.ForcedReroute })
            model.Answered.Should().ContainKey($"{kind} {ReplayModel.Ok}", "every kind of operation succeeded at least once");
        model.Answered.Keys.Should().Contain(k => k.StartsWith(nameof(Kind.OnEnded), StringComparison.Ordinal));
        output.WriteLine(string.Join("\n", model.Answered.Select(a => $"{a.Value,4} × {a.Key}")));
        output.WriteLine($"{model.Sessions.Count} sessions, {model.Clients.Count} clients, {(DateTime.UtcNow - started).TotalSeconds:F1} s");
    }

    private async Task EachAnswerIsOneTheContractAllowsAsync(IReadOnlyList<Played> played, Snapshot before, ReplayModel model, string because)
    {
        var batch = played.Select(p => p.Op).ToList();
        await using var query = hosts.Service<IDocumentStore>().QuerySession();
        foreach (var (op, outcome, versionBefore) in played)
        {
            var allowed = model.Allow(op, batch, before);
            allowed.Answers.Should().Contain(outcome.Answer, because);
            if (outcome.Accept is not null)
                allowed.Accept.Should().Contain(outcome.Accept, because);
            if (outcome.Fallback is not null)
                allowed.Fallback.Should().Contain(outcome.Fallback, because);
            if (op.Kind == Kind.OnEnded)
                (await query.Events.FetchStreamStateAsync(op.Session!.Id))!.Version.Should().Be(versionBefore, "a refused operation on an ended session records nothing; " + because);
            if (allowed.OntoFull && outcome.Answer == ReplayModel.Ok)
                (await query.LoadAsync<Mitra>(op.ToMitraId))!.ActiveSessions.Should().Be(before.Small.ActiveSessions + 1, "force may exceed capacity; " + because);
        }
        // Taps of one client at once: exactly one starts a session.
        foreach (var taps in played.Where(p => p.Op is { Kind: Kind.Start, Client: not null }).GroupBy(p => p.Op.Client!).Where(g => g.Count() > 1))
        {
            if (before.Clients[taps.Key.Id] is not { TrialSessionsLeft: 0, Credits: 0 })
                taps.Count(p => p.Outcome.Started).Should().Be(1, because);
        }
    }
}
