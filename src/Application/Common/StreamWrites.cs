using Marten;

namespace HaloBestie.Application.Common;

/// <summary>
/// The one shape of a write: in a new session, load what the rule needs, decide, append; then
/// commit, and when another writer moved one of the streams in between, or PostgreSQL chose this
/// write as a deadlock's victim, at the commit or while it waited for a lock it loads with (see
/// <see cref="WriteConflicts"/>), do it all again on what is there now. Each conflict means another
/// write committed, so the system always progresses; after <see cref="MaxAttempts"/> attempts the
/// conflict reaches the caller as 409 <c>conflict</c> ("try again"). Every conflict is counted in
/// <c>halobestie.writes.conflicts</c>, tagged with the write's name and the conflict's kind. Work that must follow the
/// commit (telling the apps, metrics of outcomes) goes after this call, with what it returned.
/// ADR 0021 explains the bound and why this is a function, not a repository.
/// </summary>
public sealed class StreamWrites(IDocumentStore store)
{
    /// <summary>
    /// Ten attempts: the most contended write seen in the tests and the benchmark (fifty mitras
    /// accepting one request, parallel staff logins against one account) settles in three or four.
    /// </summary>
    public const int MaxAttempts = 10;

    /// <param name="write">The use case's name, for the conflict metric.</param>
    /// <param name="attempt">
    /// Loads, decides and appends in the session it is given, and returns what the caller needs
    /// after the commit. A <see cref="Domain.DomainException"/> it throws is the answer: nothing is
    /// committed. It may open a transaction and take locks; they end with the session.
    /// </param>
    public async Task<T> RunAsync<T>(string write, Func<IDocumentSession, Task<T>> attempt, CancellationToken ct)
    {
        for (var number = 1; ; number++)
        {
            await using var session = store.LightweightSession();
            try
            {
                // The attempt is inside: a lock it takes while loading (FetchForExclusiveWriting) can
                // be where PostgreSQL breaks a deadlock, and that victim decides again like any other.
                var result = await attempt(session);
                await session.SaveChangesAsync(ct);
                return result;
            }
            catch (Exception e) when (WriteConflicts.IsConflict(e))
            {
                ProductMetrics.WriteConflict(write, WriteConflicts.KindOf(e));
                if (number == MaxAttempts)
                    throw;
            }
        }
    }

    /// <inheritdoc cref="RunAsync{T}(string, Func{IDocumentSession, Task{T}}, CancellationToken)"/>
    public Task RunAsync(string write, Func<IDocumentSession, Task> attempt, CancellationToken ct) =>
        RunAsync(write, async session =>
        {
            await attempt(session);
            return true;
        }, ct);
}
