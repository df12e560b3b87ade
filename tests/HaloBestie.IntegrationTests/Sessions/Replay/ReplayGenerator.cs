using System.Globalization;
using DomainSessionStatus = HaloBestie.Domain.Sessions.SessionStatus;

namespace HaloBestie.IntegrationTests.Sessions.Replay;

internal enum Kind { Start, ClientEnd, MitraEnd, StaffEnd, Reroute, ForcedReroute, OnEnded }

/// <summary>One operation of a batch as planned; the batch runs its operations at once.</summary>
internal sealed class Operation(Kind kind)
{
    public Kind Kind => kind;

    /// <summary>Every kind but a start: the session it acts on.</summary>
    public TrackedSession? Session { get; init; }

    /// <summary>Start: the client who taps (null: a new one).</summary>
    public Party? Client { get; init; }

    /// <summary>Start: the mitra who accepts; on a session: the session's mitra.</summary>
    public Party? Mitra { get; init; }

    /// <summary>Start: who accepts instead when <see cref="Mitra"/> answers capacity-full.</summary>
    public Party? Fallback { get; init; }

    /// <summary>Reroutes: where to.</summary>
    public Guid ToMitraId { get; init; }

    /// <summary>On an ended session: which operation is tried.</summary>
    public Kind Attempt { get; init; }

    public bool Moves => Kind is Kind.Reroute or Kind.ForcedReroute;

    public bool OnActiveSession => Kind is not (Kind.Start or Kind.OnEnded);
}

/// <summary>
/// The random part of the run: the seed, each batch's operations and the clock's steps, all drawn
/// from one <see cref="Random"/> in the order the run asks for them, so one seed makes the same
/// choices again (as far as the concurrent operations of each batch end the same way).
/// </summary>
internal sealed class ReplayGenerator(int seed)
{
    public const string SeedVariable = "HALOBESTIE_SESSION_REPLAY_SEED";

    // Start is drawn 4 times in 15, each session operation twice, a forced reroute once.
    private static readonly Kind[] Deck =
    [
        Kind.Start, Kind.Start, Kind.Start, Kind.Start, Kind.ClientEnd, Kind.ClientEnd, Kind.MitraEnd, Kind.MitraEnd,
        Kind.StaffEnd, Kind.StaffEnd, Kind.Reroute, Kind.Reroute, Kind.ForcedReroute, Kind.OnEnded, Kind.OnEnded,
    ];

    // Between batches the clock moves by one of these (seconds), 18 minutes at most in all. The staff
    // token, signed at the start on the fake clock, lasts 30 minutes.
    private static readonly int[] ClockSteps = [0, 0, 20, 45, 90];
    private static readonly TimeSpan StepsAtMost = TimeSpan.FromMinutes(18);

    private readonly Random _random = new(seed);
    private TimeSpan _stepped = TimeSpan.Zero;

    /// <summary>The suite replays one plan (as the hostile-input test does); <c>HALOBESTIE_EXPLORE=1</c> draws one from the clock.</summary>
    public static int Seed() =>
        Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } given ? int.Parse(given, CultureInfo.InvariantCulture)
        : Environment.GetEnvironmentVariable("HALOBESTIE_EXPLORE") == "1" ? (int)(DateTime.UtcNow.Ticks % int.MaxValue)
        : 20261126;

    /// <summary>How far the clock moves after a batch: zero once the steps reach their bound.</summary>
    public TimeSpan NextClockStep()
    {
        var step = TimeSpan.FromSeconds(ClockSteps[_random.Next(ClockSteps.Length)]);
        if (_stepped + step > StepsAtMost)
            return TimeSpan.Zero;
        _stepped += step;
        return step;
    }

    /// <summary>3 to 5 operations on the sessions and clients of <paramref name="model"/>, as they stood at <paramref name="before"/>.</summary>
    public IReadOnlyList<Operation> Plan(Snapshot before, ReplayModel model)
    {
        var steer = Uncovered(before, model);
        var active = model.Sessions.Where(before.IsActive).ToList();
        var ended = model.Sessions.Where(t => before.Sessions[t.Id].Status == DomainSessionStatus.Ended).ToList();
        var busy = active.Select(t => t.Client.Id).ToHashSet();
        var mitras = model.Mitras;
        var ops = new List<Operation>();
        TrackedSession? reserved = null; // the steered operation's session: the rest of the batch leaves it alone
        var count = _random.Next(3, 6);
        for (var i = 0; i < count; i++)
        {
            var kind = i == 0 && steer is { } steered ? steered : Deck[_random.Next(Deck.Length)];
            var free = active.Where(t => t != reserved).ToList();
            if (kind == Kind.OnEnded && ended.Count == 0 || kind is not (Kind.Start or Kind.OnEnded) && free.Count == 0)
                kind = Kind.Start;
            switch (kind)
            {
                case Kind.Start:
                    var taps = ops.Where(o => o.Kind == Kind.Start && o.Client is not null).ToList();
                    var idle = model.Clients.Where(c => !busy.Contains(c.Id)).ToList();
                    ops.Add(new Operation(kind)
                    {
                        Client = taps.Count > 0 && _random.Next(5) == 0 ? taps[_random.Next(taps.Count)].Client // a second tap at once
                            : idle.Count == 0 || _random.Next(4) == 0 ? null
                            : idle[_random.Next(idle.Count)],
                        Mitra = mitras[_random.Next(mitras.Count)],
                        Fallback = mitras.Where(m => m != model.Small).MinBy(m => active.Count(t => before.Sessions[t.Id].MitraId == m.Id)),
                    });
                    break;
                case Kind.OnEnded:
                    var session = ended[_random.Next(ended.Count)];
                    var attempt = (Kind)_random.Next((int)Kind.ClientEnd, (int)Kind.Reroute + 1);
                    var last = before.Sessions[session.Id].MitraId;
                    ops.Add(new Operation(kind)
                    {
                        Session = session,
                        Attempt = attempt,
                        Mitra = mitras.Single(m => m.Id == last),
                        ToMitraId = mitras.Where(m => m.Id != last).ElementAt(_random.Next(mitras.Count - 1)).Id,
                    });
                    break;
                default:
                    TrackedSession target;
                    if (i == 0 && steer is not null)
                    {
                        // Steered: a session no timer will end during the batch (and, to force it onto the small mitra, not on it).
                        var fit = free.Where(t => before.Sessions[t.Id].EndsAt > before.Now && (steer != Kind.ForcedReroute || before.Sessions[t.Id].MitraId != model.Small.Id)).ToList();
                        target = reserved = fit.Count > 0 ? fit[_random.Next(fit.Count)] : free[_random.Next(free.Count)];
                    }
                    else
                    {
                        var touched = ops.Where(o => o.OnActiveSession && o.Session != reserved).Select(o => o.Session!).Distinct().ToList();
                        target = touched.Count > 0 && _random.Next(3) == 0 ? touched[_random.Next(touched.Count)] : free[_random.Next(free.Count)];
                    }
                    var current = before.Sessions[target.Id].MitraId;
                    var others = mitras.Where(m => m.Id != current).ToList();
                    ops.Add(new Operation(kind)
                    {
                        Session = target,
                        Mitra = mitras.Single(m => m.Id == current),
                        ToMitraId = kind == Kind.ForcedReroute && current != model.Small.Id ? model.Small.Id : others[_random.Next(others.Count)].Id,
                    });
                    break;
            }
        }
        return ops;
    }

    /// <summary>
    /// What the first operation of the next batch should be while something has never happened
    /// yet, so that every run covers each kind of operation and a forced reroute onto the full
    /// mitra: whatever the seed, the checks at the end find each of them.
    /// </summary>
    private static Kind? Uncovered(Snapshot before, ReplayModel model)
    {
        if (!model.Sessions.Any(before.IsActive))
            return null;
        if (!model.Answered.ContainsKey(ReplayModel.OntoFullKey))
            return Kind.ForcedReroute;
        if (!model.Answered.Keys.Any(k => k.StartsWith(nameof(Kind.OnEnded), StringComparison.Ordinal)) &&
            model.Sessions.Any(t => before.Sessions[t.Id].Status == DomainSessionStatus.Ended))
            return Kind.OnEnded;
        foreach (var kind in new[] { Kind.ClientEnd, Kind.MitraEnd, Kind.StaffEnd, Kind.Reroute })
        {
            if (!model.Answered.ContainsKey($"{kind} {ReplayModel.Ok}"))
                return kind;
        }
        return null;
    }
}
