using Marten;

namespace HaloBestie.Application.Presence;

/// <summary>
/// One presence transition of a mitra at a time, across every instance: a transaction-level
/// PostgreSQL advisory lock on the mitra, taken before the transition touches Valkey and released
/// when its events commit. Without it, "online" and "offline" meeting halfway could leave Valkey
/// and the stream disagreeing (online in Valkey, heartbeats answered, but offline on the stream
/// and never offered anything). Transitions are rare (heartbeats take no lock). Uses the two-key
/// form of the advisory locks, a key space apart from the single-key locks of
/// <c>AcceptGate</c> and the schema applier. The session must be in a transaction.
/// </summary>
public static class PresenceLock
{
    private const int Presence = 0x50524553; // "PRES"

    public static async Task EnterAsync(IDocumentSession session, Guid mitraId, CancellationToken ct) =>
        await session.QueryAsync<int>("select 1 from (select pg_advisory_xact_lock(?, ?)) as locked", ct, Presence, KeyOf(mitraId));

    private static int KeyOf(Guid mitraId)
    {
        Span<byte> bytes = stackalloc byte[16];
        mitraId.TryWriteBytes(bytes);
        return BitConverter.ToInt32(bytes[..4]) ^ BitConverter.ToInt32(bytes[4..8]) ^ BitConverter.ToInt32(bytes[8..12]) ^ BitConverter.ToInt32(bytes[12..]);
    }
}
