using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using Marten;
using Microsoft.Extensions.Time.Testing;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;
using DomainClient = HaloBestie.Domain.Clients.Client;
using DomainSession = HaloBestie.Domain.Sessions.Session;
using DomainSessionStatus = HaloBestie.Domain.Sessions.SessionStatus;
using Mitra = HaloBestie.Domain.Mitras.Mitra;

namespace HaloBestie.IntegrationTests.Sessions.Replay;

/// <summary>What the API answered an operation: "ok" or the problem's status and name, for each call it made; every problem's detail.</summary>
internal sealed record Outcome(string Answer, IReadOnlyList<string> Details)
{
    public string? Accept { get; init; }

    public string? Fallback { get; init; }

    /// <summary>Start: the client who tapped (a new one when the operation named none).</summary>
    public Party? StartedClient { get; init; }

    public Guid StartedSessionId { get; init; }

    /// <summary>Start: the request was made and taken (by the mitra chosen, or by the fallback when that one was full).</summary>
    public bool Started => Answer == ReplayModel.Ok && (Fallback ?? Accept) == ReplayModel.Ok;
}

/// <summary>An operation, what it was answered, and (on an ended session) its stream's version before the batch.</summary>
internal sealed record Played(Operation Op, Outcome Outcome, long? VersionBefore)
{
    public override string ToString() => Op.Kind switch
    {
        Kind.Start => $"start(client {Op.Client?.Id.ToString() ?? "new"}, mitra {Op.Mitra!.Id}) → {Outcome.Answer}" +
            (Outcome.Accept is null ? "" : $", accept {Outcome.Accept}") + (Outcome.Fallback is null ? "" : $", fallback {Outcome.Fallback}"),
        Kind.OnEnded => $"{Op.Attempt} on ended {Op.Session!.Id} → {Outcome.Answer}",
        Kind.Reroute or Kind.ForcedReroute => $"{Op.Kind}({Op.Session!.Id} → {Op.ToMitraId}) → {Outcome.Answer}",
        _ => $"{Op.Kind}({Op.Session!.Id}) → {Outcome.Answer}",
    };
}

/// <summary>
/// The run's side of the hosts: it sets them up, reads the store, sends each operation to the API
/// and moves the fake clock. It decides nothing: the generator plans, the model expects.
/// </summary>
internal sealed class ReplayRun(SessionReplayFixture hosts, InternalApiClient staff)
{
    private FakeTimeProvider Clock => hosts.Clock!;

    private IDocumentStore Store => hosts.Service<IDocumentStore>();

    /// <summary>A staff member, five online mitras (the last of capacity 1) and six clients, under the run's settings.</summary>
    public static async Task<(ReplayRun Run, ReplayModel Model)> StartAsync(SessionReplayFixture hosts)
    {
        // Tokens are checked against the fake clock (iat at most 30 s ahead): it must not lag real time.
        CatchUpWithRealTime(hosts.Clock!);
        var admin = await hosts.AdminAsync();
        var (staff, _) = await hosts.NewStaffAsync();
        await hosts.ChangeSettingsAsync(s =>
        {
            s.MaxCustomersPerMitra = ReplayModel.MaxCustomersPerMitra;
            // Mitras stay online however the clock moves (the run moves it by less than an hour).
            s.HeartbeatTimeoutSeconds = 3600;
            s.SessionDurationMinutes = ReplayModel.SessionMinutes;
            s.TrialSessions = ReplayModel.TrialSessions;
        });
        var mitras = new List<Party>();
        for (var i = 0; i < 5; i++)
        {
            var (app, _, id) = await hosts.NewOnlineMitraAsync(admin);
            mitras.Add(new Party(app, id));
        }
        await staff.SetMitraCapacityAsync(mitras[^1].Id, new SetMitraCapacityBody { MaxCustomers = 1 });
        var run = new ReplayRun(hosts, staff);
        var clients = new List<Party>();
        for (var i = 0; i < 6; i++)
            clients.Add(await run.NewClientAsync());
        return (run, new ReplayModel(mitras, mitras[^1], clients));
    }

    public async Task<Snapshot> SnapshotAsync(ReplayModel model)
    {
        await using var query = Store.QuerySession();
        var sessions = await query.LoadManyAsync<DomainSession>(model.Sessions.Select(t => t.Id).ToArray());
        var clients = await query.LoadManyAsync<DomainClient>(model.Clients.Select(c => c.Id).ToArray());
        var small = await query.LoadAsync<Mitra>(model.Small.Id);
        return new Snapshot(Clock.GetUtcNow(), sessions.ToDictionary(x => x.Id), clients.ToDictionary(x => x.Id), small!);
    }

    /// <summary>The batch's operations, all at once, once the stream version of each ended session they try is read.</summary>
    public async Task<IReadOnlyList<Played>> PlayAsync(IReadOnlyList<Operation> batch)
    {
        var versions = new List<long?>();
        await using (var query = Store.QuerySession())
        {
            foreach (var op in batch)
                versions.Add(op.Kind == Kind.OnEnded ? (await query.Events.FetchStreamStateAsync(op.Session!.Id))!.Version : null);
        }
        var outcomes = await Task.WhenAll(batch.Select(RunAsync));
        return [.. batch.Select((op, i) => new Played(op, outcomes[i], versions[i]))];
    }

    /// <summary>Moves the clock by <paramref name="step"/>, and on to real time if it lags.</summary>
    public void Step(TimeSpan step)
    {
        Clock.Advance(step);
        CatchUpWithRealTime(Clock);
    }

    /// <summary>Past every active session's end at once (one is started if none is active); the timers end them, warning first.</summary>
    public async Task JumpPastEverySessionEndAsync(ReplayModel model)
    {
        if (!model.Sessions.Any((await SnapshotAsync(model)).IsActive))
        {
            var client = await NewClientAsync();
            var request = await client.App.RequestPairingAsync(new RequestPairing());
            model.AddSession(new TrackedSession((await model.Mitras[0].App.AcceptPairingRequestAsync(request.Id)).SessionId, client));
        }
        Clock.Advance(TimeSpan.FromMinutes(ReplayModel.SessionMinutes + 1));
        await WaitForTimersAsync(model);
    }

    /// <summary>Until no active session is past its warning or its end on the (stopped) fake clock.</summary>
    public async Task WaitForTimersAsync(ReplayModel model)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var now = Clock.GetUtcNow();
            await using (var query = Store.QuerySession())
            {
                var sessions = await query.LoadManyAsync<DomainSession>(model.Sessions.Select(t => t.Id).ToArray());
                if (!sessions.Any(d => d.Status == DomainSessionStatus.Active && (d.EndsAt <= now || d.WarnedAt is null && d.WarnAt <= now)))
                    return;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The durable timers did not warn or end every session that was due.");
            await Task.Delay(200);
        }
    }

    private async Task<Party> NewClientAsync()
    {
        var (client, _, id) = await hosts.NewRegisteredClientAsync();
        return new Party(client, id);
    }

    private static void CatchUpWithRealTime(FakeTimeProvider clock)
    {
        var behind = DateTimeOffset.UtcNow - clock.GetUtcNow();
        if (behind > TimeSpan.Zero)
            clock.Advance(behind);
    }

    private async Task<Outcome> RunAsync(Operation op)
    {
        var id = op.Session?.Id ?? Guid.Empty;
        var details = new List<string>();
        switch (op.Kind == Kind.OnEnded ? op.Attempt : op.Kind)
        {
            case Kind.Start:
                var client = op.Client ?? await NewClientAsync();
                var (requestId, sessionId) = (Guid.Empty, Guid.Empty);
                var answer = await AnswerOf(async () => requestId = (await client.App.RequestPairingAsync(new RequestPairing())).Id, details);
                if (answer != ReplayModel.Ok)
                    return new Outcome(answer, details) { StartedClient = client };
                var accept = await AnswerOf(async () => sessionId = (await op.Mitra!.App.AcceptPairingRequestAsync(requestId)).SessionId, details);
                var fallback = accept != ReplayModel.CapacityFull ? null
                    : await AnswerOf(async () => sessionId = (await op.Fallback!.App.AcceptPairingRequestAsync(requestId)).SessionId, details);
                return new Outcome(answer, details) { Accept = accept, Fallback = fallback, StartedClient = client, StartedSessionId = sessionId };
            case Kind.ClientEnd:
                return new Outcome(await AnswerOf(() => op.Session!.Client.App.EndMySessionAsync(id, null), details), details);
            case Kind.MitraEnd:
                return new Outcome(await AnswerOf(() => op.Mitra!.App.EndMitraSessionAsync(id, null), details), details);
            case Kind.StaffEnd:
                return new Outcome(await AnswerOf(() => staff.EndSessionByStaffAsync(id, new EndSessionByStaffBody { Reason = "replay test" }), details), details);
            default:
                var body = new RerouteSessionBody { ToMitraId = op.ToMitraId, Reason = "replay test", Force = op.Kind == Kind.ForcedReroute };
                return new Outcome(await AnswerOf(() => staff.RerouteSessionAsync(id, body), details), details);
        }
    }

    /// <summary>"ok", or the problem's status and name; its detail goes to <paramref name="details"/>.</summary>
    private static async Task<string> AnswerOf(Func<Task> call, List<string> details)
    {
        try
        {
            await call();
            return ReplayModel.Ok;
        }
        catch (Exception e) when (e.GetType().Name.StartsWith("ApiException", StringComparison.Ordinal))
        {
            var problem = await ProblemOf(() => Task.FromException(e));
            details.Add($"{problem.Status} {problem.Name}: {problem.Detail}");
            return $"{problem.Status} {problem.Name}";
        }
    }
}
