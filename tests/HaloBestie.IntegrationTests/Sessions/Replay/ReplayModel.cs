using HaloBestie.Clients.Public;
using DomainClient = HaloBestie.Domain.Clients.Client;
using DomainSession = HaloBestie.Domain.Sessions.Session;
using DomainSessionStatus = HaloBestie.Domain.Sessions.SessionStatus;
using Mitra = HaloBestie.Domain.Mitras.Mitra;
using SessionActors = HaloBestie.Domain.Sessions.SessionActors;

namespace HaloBestie.IntegrationTests.Sessions.Replay;

/// <summary>A client or mitra of the run: its app and its id.</summary>
internal sealed record Party(PublicApiClient App, Guid Id);

/// <summary>A session the run started, and its client.</summary>
internal sealed record TrackedSession(Guid Id, Party Client);

/// <summary>What the store held before a batch: the run's sessions and clients, the mitra of capacity 1, and the fake clock's time.</summary>
internal sealed record Snapshot(DateTimeOffset Now, IReadOnlyDictionary<Guid, DomainSession> Sessions, IReadOnlyDictionary<Guid, DomainClient> Clients, Mitra Small)
{
    public bool IsActive(TrackedSession session) => Sessions[session.Id].Status == DomainSessionStatus.Active;
}

/// <summary>The answers the contract allows an operation, one set per call it makes (the request, its accept, the fallback accept).</summary>
internal sealed record Allowed(IReadOnlySet<string> Answers, IReadOnlySet<string> Accept, IReadOnlySet<string> Fallback, bool OntoFull);

/// <summary>
/// What the run expects. It knows the parties, the sessions the run started and every answer the
/// API gave, and from those, which answers the contract allows an operation (<see cref="Allow"/>),
/// how many reroutes and which end each session was answered, and which kinds of answer the run
/// has covered. Only <see cref="Record"/> and <see cref="AddSession"/> change it, once a batch has been checked.
/// </summary>
internal sealed class ReplayModel(IReadOnlyList<Party> mitras, Party small, IEnumerable<Party> clients)
{
    public const string Ok = "ok";
    public const string SessionEnded = "409 session-ended";
    public const string CapacityFull = "409 capacity-full";
    public const string OntoFullKey = "ForcedReroute ok onto the full mitra";
    public const int TrialSessions = 2;
    public const int SessionMinutes = 6; // warned after 1 minute, time-up after 6
    public const int MaxCustomersPerMitra = 20;

    private readonly List<Party> _clients = [.. clients];
    private readonly List<TrackedSession> _sessions = [];
    private readonly List<Played> _played = [];
    private readonly SortedDictionary<string, int> _answered = new(StringComparer.Ordinal);

    public IReadOnlyList<Party> Mitras => mitras;

    /// <summary>Capacity 1: only a forced reroute puts a second session on it.</summary>
    public Party Small => small;

    public IReadOnlyList<Party> Clients => _clients;

    public IReadOnlyList<TrackedSession> Sessions => _sessions;

    /// <summary>How many times each answer was given ("Kind answer", "Kind accept answer", "OnEnded Attempt answer").</summary>
    public IReadOnlyDictionary<string, int> Answered => _answered;

    public int ReroutesAnswered(TrackedSession session) =>
        _played.Count(p => p.Op.Session == session && p.Op.Moves && p.Outcome.Answer == Ok);

    /// <summary>Who was answered "ended" for the session (client, mitra, staff).</summary>
    public IReadOnlyList<string> EndsAnswered(TrackedSession session) =>
        [.. _played.Where(p => p.Op.Session == session && p.Op.Kind is Kind.ClientEnd or Kind.MitraEnd or Kind.StaffEnd && p.Outcome.Answer == Ok)
            .Select(p => p.Op.Kind switch { Kind.ClientEnd => SessionActors.Client, Kind.MitraEnd => SessionActors.Mitra, _ => SessionActors.Staff })];

    /// <summary>A session started outside the batches (with a new client).</summary>
    public void AddSession(TrackedSession session)
    {
        _clients.Add(session.Client);
        _sessions.Add(session);
    }

    /// <summary>Once a batch is checked: tallies its answers, and takes on the clients and sessions it started.</summary>
    public void Record(IReadOnlyList<Played> batch, Snapshot before)
    {
        var ops = batch.Select(p => p.Op).ToList();
        foreach (var played in batch)
        {
            var (op, outcome) = (played.Op, played.Outcome);
            Tally(op.Kind == Kind.OnEnded ? $"{Kind.OnEnded} {op.Attempt} {outcome.Answer}" : $"{op.Kind} {outcome.Answer}");
            if (outcome.Accept is { } accept)
                Tally($"{op.Kind} accept {accept}");
            if (outcome.Fallback is { } fallback)
                Tally($"{op.Kind} fallback {fallback}");
            if (outcome.Answer == Ok && Allow(op, ops, before).OntoFull)
                Tally(OntoFullKey);
            if (op.Kind == Kind.Start && op.Client is null)
                _clients.Add(outcome.StartedClient!);
            if (op.Kind == Kind.Start && outcome.Started)
                _sessions.Add(new TrackedSession(outcome.StartedSessionId, outcome.StartedClient!));
            _played.Add(played);
        }
    }

    /// <summary>
    /// The answers an operation may get, given the state before the batch and the other operations
    /// of the batch. An operation that nothing else in the batch can disturb has one right answer.
    /// </summary>
    public Allowed Allow(Operation op, IReadOnlyList<Operation> batch, Snapshot before)
    {
        var others = batch.Where(o => o != op).ToList();
        var smallFull = before.Small.ActiveSessions >= 1;
        bool InvolvesSmall(Operation o) =>
            o.Kind == Kind.Start && o.Mitra == small
            || o.Moves && o.ToMitraId == small.Id
            || o.OnActiveSession && (before.Sessions[o.Session!.Id].MitraId == small.Id || batch.Any(x => x.Moves && x.Session == o.Session && x.ToMitraId == small.Id));
        var smallContended = batch.Count(InvolvesSmall) > 1 || before.Sessions.Values.Any(d =>
            d.Status == DomainSessionStatus.Active && d.MitraId == small.Id && d.EndsAt <= before.Now);

        switch (op.Kind)
        {
            case Kind.OnEnded:
                return new Allowed(Set(SessionEnded), Set(), Set(), false);
            case Kind.Start:
                var secondTap = op.Client is not null && others.Any(o => o.Kind == Kind.Start && o.Client == op.Client);
                var answers = op.Client is not null && before.Clients[op.Client.Id] is { TrialSessionsLeft: 0, Credits: 0 } ? Set("403 payment-required")
                    : secondTap ? Set(Ok, "409 already-searching", "409 already-in-session") // one tap wins; the other finds its request or its session
                    : Set(Ok);
                var accept = op.Mitra != small ? Set(Ok)
                    : smallContended ? Set(Ok, CapacityFull)
                    : smallFull ? Set(CapacityFull)
                    : Set(Ok);
                return new Allowed(answers, accept, Set(Ok), false);
            default:
                var session = before.Sessions[op.Session!.Id];
                // Another operation of the batch on the same session, or the timer at its time-up, may end it first.
                var contended = others.Any(o => o.OnActiveSession && o.Session == op.Session) || session.EndsAt <= before.Now;
                var allowed = new HashSet<string> { Ok };
                if (contended)
                    allowed.Add(SessionEnded);
                if (op.Kind == Kind.MitraEnd && others.Any(o => o.Moves && o.Session == op.Session))
                    allowed.Add("404 not-found"); // no longer this mitra's session
                if (op.Moves && others.Any(o => o.Moves && o.Session == op.Session && o.ToMitraId == op.ToMitraId))
                    allowed.Add("409 conflict"); // already with that mitra
                if (op.Kind == Kind.Reroute && op.ToMitraId == small.Id)
                {
                    if (smallFull || smallContended)
                        allowed.Add(CapacityFull);
                    if (smallFull && !smallContended)
                        allowed.Remove(Ok);
                }
                var ontoFull = op.Kind == Kind.ForcedReroute && op.ToMitraId == small.Id && smallFull && !smallContended;
                return new Allowed(allowed, Set(), Set(), ontoFull);
        }
    }

    private static HashSet<string> Set(params string[] answers) => [.. answers];

    private void Tally(string key) => _answered[key] = _answered.GetValueOrDefault(key) + 1;
}
