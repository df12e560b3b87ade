using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using Marten;
using Marten.Services.BatchQuerying;

namespace HaloBestie.Application.Callers;

/// <summary>
/// Who is calling, found one way by every use case: a client or a mitra of the public host (from
/// the verified Firebase token, <see cref="Token"/>), or a staff member of the internal host
/// (<see cref="Staff"/>). A mitra's token on a client route, or the reverse, is refused with 403
/// whatever the route. Lookups use a query session of their own, opened only when one is needed
/// (a known mitra's heartbeat opens none), or join a write's own batch query (<see cref="ClientIn"/>,
/// <see cref="MitraIn"/>: the send and the read mark, one round trip less).
/// </summary>
public sealed class Caller(IFirebaseCaller token, ICurrentStaff staff, MitraIdentities knownMitras, IDocumentStore store) : IAsyncDisposable
{
    private IQuerySession? _session;

    private IQuerySession Session => _session ??= store.QuerySession();

    /// <summary>The claims of the verified Firebase ID token; nothing looked up.</summary>
    public IFirebaseCaller Token => token;

    /// <summary>The staff member signed in to the control center.</summary>
    public StaffActor Staff => staff.Actor;

    /// <summary>The caller's client record; 403 <c>forbidden</c> for a mitra or before the first sign-in.</summary>
    public async Task<Client> ClientAsync(CancellationToken ct) =>
        await FindClientNotMitraAsync(ct) ?? throw SessionRequired();

    /// <summary>
    /// The caller's client record if it signed in before (sign-in itself starts here); 403
    /// <c>forbidden</c> for a mitra's Firebase account, which cannot use the client API. Both
    /// lookups (is it a mitra's account, which client) are one round trip.
    /// </summary>
    public async Task<Client?> FindClientNotMitraAsync(CancellationToken ct)
    {
        var batch = Session.CreateBatchQuery();
        var client = FindClientNotMitraIn(batch);
        await batch.Execute(ct);
        return await client();
    }

    /// <summary>
    /// <see cref="ClientAsync"/> as part of a write's own batch query (one round trip less on a
    /// hot route): the lookups join <paramref name="batch"/>; the function answers, or refuses as
    /// <see cref="ClientAsync"/> does, once the batch has run.
    /// </summary>
    public Func<Task<Client>> ClientIn(IBatchedQuery batch)
    {
        var client = FindClientNotMitraIn(batch);
        return async () => await client() ?? throw SessionRequired();
    }

    private Func<Task<Client?>> FindClientNotMitraIn(IBatchedQuery batch)
    {
        if (knownMitras.TryGet(token.Uid, out _))
            throw MitraAccount();
        var isMitra = batch.Query<Mitra>().Where(m => m.FirebaseUid == token.Uid).Any();
        var client = batch.Query<Client>().Where(c => c.FirebaseUid == token.Uid).FirstOrDefault();
        return async () => await isMitra ? throw MitraAccount() : await client;
    }

    private static DomainException SessionRequired() =>
        DomainException.Coded(ProblemNames.Forbidden, ProblemCodes.SessionRequired, "Unknown client: call POST /api/client/auth/session first.");

    /// <summary>The caller's client record if it signed in before, read again (a sign-up that lost a race reads the winner).</summary>
    public Task<Client?> FindClientAsync(CancellationToken ct) =>
        Session.Query<Client>().FirstOrDefaultAsync(c => c.FirebaseUid == token.Uid, ct);

    private static DomainException MitraAccount() =>
        DomainException.Coded(ProblemNames.Forbidden, ProblemCodes.MitraAccount, "Mitra accounts cannot use the client API.");

    /// <summary>A bound, active mitra; else 403 <c>not-a-mitra</c> or <c>mitra-inactive</c>.</summary>
    public async Task<Mitra> MitraAsync(CancellationToken ct) => Active(await FindMitraAsync(ct));

    /// <summary><see cref="MitraAsync"/> as part of a write's own batch query (see <see cref="ClientIn"/>).</summary>
    public Func<Task<Mitra>> MitraIn(IBatchedQuery batch)
    {
        var mitra = batch.Query<Mitra>().Where(m => m.FirebaseUid == token.Uid).FirstOrDefault();
        return async () => Active(Remember(await mitra));
    }

    private static Mitra Active(Mitra mitra) =>
        mitra.IsActive ? mitra : throw new DomainException(ProblemNames.MitraInactive, "This mitra account is inactive; contact the control center.");

    /// <summary>
    /// The mitra's id, from memory once seen (the binding never changes); 403 <c>not-a-mitra</c>.
    /// Whether it is active is left to the use case (its stream or Valkey decides).
    /// </summary>
    public async ValueTask<Guid> MitraIdAsync(CancellationToken ct) =>
        knownMitras.TryGet(token.Uid, out var id) ? id : (await FindMitraAsync(ct)).Id;

    private async Task<Mitra> FindMitraAsync(CancellationToken ct) =>
        Remember(await Session.Query<Mitra>().FirstOrDefaultAsync(m => m.FirebaseUid == token.Uid, ct));

    private Mitra Remember(Mitra? mitra)
    {
        if (mitra is null)
            throw new DomainException(ProblemNames.NotAMitra, "This account is not a mitra. Sign in with POST /api/mitra/auth/session first.");
        knownMitras.Remember(token.Uid, mitra.Id);
        return mitra;
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
            await _session.DisposeAsync();
    }
}
