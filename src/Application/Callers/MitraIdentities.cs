using System.Collections.Concurrent;

namespace HaloBestie.Application.Callers;

/// <summary>
/// Firebase UID → mitra id, kept in memory by each instance: the binding never changes once made,
/// so the heartbeat path can find its mitra without reading PostgreSQL. Whether the mitra is
/// active and online is still decided by Valkey's online set (deactivation removes it) or by the
/// mitra's stream. Filled by <see cref="Caller"/>.
/// </summary>
public sealed class MitraIdentities
{
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, Guid> _byUid = new(StringComparer.Ordinal);

    public bool TryGet(string uid, out Guid mitraId) => _byUid.TryGetValue(uid, out mitraId);

    public void Remember(string uid, Guid mitraId)
    {
        if (_byUid.Count < MaxEntries)
            _byUid[uid] = mitraId;
    }
}
