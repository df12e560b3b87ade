using Marten;

namespace HaloBestie.Application.Common;

/// <summary>
/// PostgreSQL transaction-level advisory locks keyed by a GUID: held until the session's
/// transaction ends (commit or rollback), so they survive transaction pooling and need no
/// clean-up. The session must be in a transaction (<c>BeginTransactionAsync</c>).
/// </summary>
public static class AdvisoryLocks
{
    /// <summary>Waits until this transaction holds the lock of <paramref name="id"/>.</summary>
    public static async Task LockAsync(IDocumentSession session, Guid id, CancellationToken ct) =>
        _ = await session.QueryAsync<int>("select 1 from (select pg_advisory_xact_lock(?)) as locked", ct, KeyOf(id));

    /// <summary>The 64-bit key of a GUID (its two halves folded together).</summary>
    public static long KeyOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]);
    }
}
