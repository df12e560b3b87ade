using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using Marten;

namespace HaloBestie.Application.Callers;

/// <summary>
/// Who the Firebase caller is to us. Every client use case starts with <see cref="RequireClientAsync"/>
/// and every mitra use case with <see cref="RequireMitraAsync"/>, so a mitra's token on a client
/// route (or the reverse) is refused with 403 whatever the route.
/// </summary>
public static class Callers
{
    public static Task<Mitra?> FindMitraAsync(this IQuerySession session, string firebaseUid, CancellationToken ct) =>
        session.Query<Mitra>().FirstOrDefaultAsync(m => m.FirebaseUid == firebaseUid, ct);

    public static Task<Client?> FindClientAsync(this IQuerySession session, string firebaseUid, CancellationToken ct) =>
        session.Query<Client>().FirstOrDefaultAsync(c => c.FirebaseUid == firebaseUid, ct);

    /// <summary>A bound, active mitra; else 403 <c>not-a-mitra</c> or <c>mitra-inactive</c>.</summary>
    public static async Task<Mitra> RequireMitraAsync(this IQuerySession session, IFirebaseCaller caller, CancellationToken ct)
    {
        var mitra = await session.FindMitraAsync(caller.Uid, ct)
            ?? throw new DomainException(ProblemNames.NotAMitra, "This account is not a mitra. Sign in with POST /api/mitra/auth/session first.");
        return mitra.IsActive ? mitra : throw new DomainException(ProblemNames.MitraInactive, "This mitra account is inactive; contact the control center.");
    }

    /// <summary>A Firebase account that is not a mitra's; 403 <c>forbidden</c> for a mitra.</summary>
    public static async Task EnsureNotMitraAsync(this IQuerySession session, IFirebaseCaller caller, CancellationToken ct)
    {
        if (await session.Query<Mitra>().AnyAsync(m => m.FirebaseUid == caller.Uid, ct))
            throw new DomainException(ProblemNames.Forbidden, "Mitra accounts cannot use the client API.");
    }

    /// <summary>The caller's client record; 403 for a mitra, 403 before the first POST /api/client/auth/session.</summary>
    public static async Task<Client> RequireClientAsync(this IQuerySession session, IFirebaseCaller caller, CancellationToken ct)
    {
        await session.EnsureNotMitraAsync(caller, ct);
        return await session.FindClientAsync(caller.Uid, ct)
            ?? throw new DomainException(ProblemNames.Forbidden, "Unknown client: call POST /api/client/auth/session first.");
    }
}
