namespace HaloBestie.IntegrationTests.Infrastructure;

/// <summary>
/// Deadlines instead of fixed delays: wait as long as needed and no longer, and fail saying what
/// never happened. A fixed delay before a check either wastes time or, on a slow machine, checks
/// before the thing it waits for has had its chance.
/// </summary>
public static class Wait
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> if it does not within <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0.#} s: {what}");
            await Task.Delay(Poll);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Polls until <paramref name="condition"/> holds, at most <paramref name="within"/>; whether it did (for a test that asserts with its own words).</summary>
    public static async Task<bool> Eventually(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
                return true;
            await Task.Delay(Poll);
        }
        return await condition();
    }

    public static Task<bool> Eventually(Func<bool> condition, TimeSpan within) => Eventually(() => Task.FromResult(condition()), within);

    /// <summary>
    /// Checks <paramref name="condition"/> again and again for <paramref name="during"/> and fails
    /// the first time it does not hold: "it stays so", for an "exactly once" after the first time.
    /// </summary>
    public static async Task StaysAsync(Func<Task<bool>> condition, TimeSpan during, string what)
    {
        var until = DateTime.UtcNow + during;
        do
        {
            if (!await condition())
                throw new InvalidOperationException($"No longer true: {what}");
            await Task.Delay(Poll);
        }
        while (DateTime.UtcNow < until);
        if (!await condition())
            throw new InvalidOperationException($"No longer true: {what}");
    }
}

/// <summary>Calls started together behind a gate, so that a race test really races.</summary>
public static class Race
{
    /// <summary>
    /// Starts <paramref name="count"/> calls on the thread pool, lets each reach a gate, then opens
    /// it for all at once. (Plain <c>Task.WhenAll</c> over a <c>Select</c> starts them one after
    /// another on the caller's thread: the first may be done before the last has begun.)
    /// </summary>
    public static async Task<T[]> AtOnceAsync<T>(int count, Func<int, Task<T>> call)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = 0;
        var calls = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            if (Interlocked.Increment(ref waiting) == count)
                allWaiting.SetResult();
            await gate.Task;
            return await call(i);
        })).ToArray();
        await allWaiting.Task;
        gate.SetResult();
        return await Task.WhenAll(calls);
    }

    public static Task<T[]> AtOnceAsync<T>(params Func<Task<T>>[] calls) => AtOnceAsync(calls.Length, i => calls[i]());
}
