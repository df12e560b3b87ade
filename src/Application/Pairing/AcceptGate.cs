using HaloBestie.Application.Common;
using Marten;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// Lets one accept of a pairing request decide at a time, without making the others queue one
/// by one. The first caller takes a transaction-level PostgreSQL advisory lock on the request
/// (exclusive, without waiting) and goes on; every other caller waits for the same lock in shared
/// mode, so when the first one commits or rolls back they all wake up together and read the
/// outcome in parallel. (Locking the stream row instead queued 100 simultaneous accepts behind
/// each other: half a second for the last answer. docs/performance.md has the figures.)
/// The session must be in a transaction (<c>BeginTransactionAsync</c>): the lock is released
/// when it ends.
/// </summary>
public static class AcceptGate
{
    /// <summary>
    /// True: this caller holds the gate and decides. False: another caller held it, and this call
    /// returned only once that one had committed or rolled back. One round trip either way.
    /// </summary>
    public static async Task<bool> EnterOrWaitAsync(IDocumentSession session, Guid requestId, CancellationToken ct)
    {
        var key = AdvisoryLocks.KeyOf(requestId);
        var entered = await session.QueryAsync<bool>(
            "select case when pg_try_advisory_xact_lock(?) then true else (select false from (select pg_advisory_xact_lock_shared(?)) as waited) end",
            ct, key, key);
        return entered.Single();
    }
}
