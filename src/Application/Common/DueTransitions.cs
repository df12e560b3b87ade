namespace HaloBestie.Application.Common;

/// <summary>
/// How a durable timer works through what is due (pairing expiries, session warnings and
/// time-ups): a batch of the earliest due at a time, <see cref="Concurrency"/> of them at once, and
/// the next batch straight away while batches come back full, up to <see cref="MaxBatches"/> per
/// pass. One after another, each transition (a transaction, then the fan-out telling every offered
/// mitra) made a burst of a hundred wait for the slowest of them in turn, and a second hundred for
/// the next tick: on the soak of issue 21 requests expired 9 s late on average, up to a minute
/// around faults. Each transition decides on its own stream's version
/// (<see cref="StreamWrites"/>), so running several at once, or beside another instance's pass,
/// still records each exactly once.
/// </summary>
public static class DueTransitions
{
    /// <summary>The earliest due, read at once.</summary>
    public const int BatchSize = 100;

    /// <summary>Transitions in flight at once: each holds one PostgreSQL connection while it writes.</summary>
    public const int Concurrency = 8;

    /// <summary>A pass stops after this many full batches (1,000 transitions); the next tick goes on.</summary>
    public const int MaxBatches = 10;

    /// <summary>
    /// Runs <paramref name="transition"/> on each id <paramref name="due"/> finds (at most
    /// <see cref="BatchSize"/> a call), reading again while a batch was full and changed something;
    /// returns how many transitions recorded a change. Once one fails, no other starts; those in
    /// flight finish (a committed change still tells the apps), then the failure is thrown.
    /// </summary>
    public static async Task<int> RunAsync(Func<CancellationToken, Task<IReadOnlyList<Guid>>> due, Func<Guid, Task<bool>> transition, CancellationToken ct)
    {
        var total = 0;
        for (var batch = 0; batch < MaxBatches; batch++)
        {
            var ids = await due(ct);
            var changed = 0;
            // The body is given the caller's token, not the loop's: a failure elsewhere does not
            // cancel a transition between its commit and its notifications.
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct }, async (id, _) =>
            {
                if (await transition(id))
                    Interlocked.Increment(ref changed);
            });
            total += changed;
            // A batch that changed nothing was taken by others (another instance's pass, accepts), or
            // is not quite due yet (the queries look a hair ahead): the pass ends, the next tick reads again.
            if (ids.Count < BatchSize || changed == 0)
                break;
        }
        return total;
    }
}
