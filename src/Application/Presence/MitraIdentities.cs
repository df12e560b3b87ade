using System.Collections.Concurrent;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using Marten;

namespace HaloBestie.Application.Presence;

/// <summary>
/// Firebase UID → mitra id, kept in memory: the binding never changes once made, so the
/// heartbeat path can find its mitra without reading PostgreSQL. Whether the mitra is active and
/// online is still decided by Valkey's online set (deactivation removes it).
/// </summary>
public sealed class MitraIdentities
{
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, Guid> _byUid = new(StringComparer.Ordinal);

    /// <summary>The mitra id of a Firebase UID already seen by this instance; no I/O.</summary>
    public bool TryGetKnown(string uid, out Guid mitraId) => _byUid.TryGetValue(uid, out mitraId);

    public async ValueTask<Guid> MitraIdOfAsync(IFirebaseCaller caller, IQuerySession session, CancellationToken ct)
    {
        var uid = caller.Uid;
        if (_byUid.TryGetValue(uid, out var id))
            return id;
        var mitra = await session.FindMitraAsync(uid, ct)
            ?? throw new DomainException(ProblemNames.NotAMitra, "This account is not a mitra. Sign in with POST /api/mitra/auth/session first.");
        if (_byUid.Count < MaxEntries)
            _byUid[uid] = mitra.Id;
        return mitra.Id;
    }
}
