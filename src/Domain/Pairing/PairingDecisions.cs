using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Sessions;

namespace HaloBestie.Domain.Pairing;

/// <summary>The pairing rules as pure functions (PRODUCT.md §3).</summary>
public static class PairingDecisions
{
    public const int MaxNoteLength = 500;

    /// <summary>
    /// "Mulai Curhat", checked in this order: 403 <c>registration-required</c> for a guest, 403
    /// <c>suspended</c>, 409 <c>already-in-session</c> (with the session's <c>sessionId</c>), 409
    /// <c>already-searching</c> (with the request's <c>requestId</c>: a tap whose 201 was lost finds
    /// its request), 403 <c>payment-required</c> without a trial session or credit. <paramref name="open"/> must be
    /// read while the client's stream is held, so that no accept or second tap changes it meanwhile.
    /// </summary>
    public static PairingRequested Request(Client client, OpenPairing open, Guid requestId, string? topic, string? note, TimeSpan timeout, DateTimeOffset now)
    {
        if (client.IsErased)
            throw DomainException.Coded(ProblemNames.Forbidden, ProblemCodes.SessionRequired, "This account was deleted: sign in again to start anew.");
        if (!client.IsRegistered)
            throw new DomainException(ProblemNames.RegistrationRequired, "Link Google, Apple or a phone number before starting a conversation.");
        if (client.Status == ClientStatus.Suspended)
            throw new DomainException(ProblemNames.Suspended, "This account is suspended.");
        if (open.SessionId is { } sessionId)
            throw new DomainException(ProblemNames.AlreadyInSession, "You already have an active session.", new Dictionary<string, object> { ["sessionId"] = sessionId });
        if (open.RequestId is { } searching)
            throw new DomainException(ProblemNames.AlreadySearching, "You already have a request searching for a bestie.", new Dictionary<string, object> { ["requestId"] = searching });
        ClientDecisions.EnsureCanPay(client);
        return Request(requestId, client.Id, topic, note, timeout, now);
    }

    /// <summary>The request event itself, once the client's rules passed.</summary>
    public static PairingRequested Request(Guid requestId, Guid clientId, string? topic, string? note, TimeSpan timeout, DateTimeOffset now) =>
        new(requestId, clientId, topic, note, now + timeout, now);

    /// <summary>Offers to the given mitras those not offered yet; nothing once the request is closed.</summary>
    public static IReadOnlyList<object> Offer(PairingRequest request, IEnumerable<Guid> mitraIds, DateTimeOffset now)
    {
        if (request.Status != PairingStatus.Searching || now >= request.ExpiresAt)
            return [];
        var fresh = mitraIds.Where(id => !request.OfferedTo.Contains(id)).Distinct().ToList();
        return fresh.Count == 0 ? [] : [new PairingOffered(request.Id, fresh, now)];
    }

    /// <summary>
    /// A mitra accepts: first come, first served. The mitra that won asking again (a retry after a
    /// lost answer) gets <see cref="AlreadyAccepted"/>: the same session, nothing recorded.
    /// Otherwise the one problem that applies, in this order: 403 <c>mitra-inactive</c> (a
    /// deactivated account learns nothing about requests); 409 <c>already-taken</c> once matched,
    /// 409 <c>request-closed</c> once cancelled or expired (or past its expiry before the timer
    /// handled it); 403 <c>forbidden</c> while offline; 409 <c>capacity-full</c>. Then the client
    /// pays with a trial session or a credit; when it has neither any more the request closes
    /// instead (<see cref="AcceptClosesRequest"/>: commit it, then answer 409 <c>request-closed</c>).
    /// </summary>
    public static AcceptOutcome Accept(PairingRequest request, Mitra mitra, Client client, int maxCustomersPerMitra, TimeSpan sessionDuration, Guid sessionId, DateTimeOffset now)
    {
        if (FirstAcceptChecks(request, mitra, now) is { } again)
            return again;
        var taken = MitraDecisions.TakeSession(mitra, sessionId, maxCustomersPerMitra, now);
        if (!client.HasSessionToSpend)
            return new AcceptClosesRequest(Cancel(request, PairingReasons.PaymentRequired, now));
        var consumed = ClientDecisions.Consume(client, sessionId, now);
        return new Accepted(
            new PairingAccepted(request.Id, mitra.Id, sessionId, now),
            taken,
            consumed,
            SessionDecisions.Start(sessionId, request.Id, request.ClientId, mitra.Id, sessionDuration, consumed.Kind, now));
    }

    /// <summary>
    /// The first rules of <see cref="Accept(PairingRequest, Mitra, Client, int, TimeSpan, Guid, DateTimeOffset)"/>,
    /// which need the request and the mitra alone: this mitra's win already (returned), then
    /// <c>mitra-inactive</c>, <c>already-taken</c> and <c>request-closed</c> (thrown). An accept that
    /// waited at the gate while another decided runs them before loading anything else: most such
    /// accepts lost, and learn it from two reads.
    /// </summary>
    public static AlreadyAccepted? FirstAcceptChecks(PairingRequest request, Mitra mitra, DateTimeOffset now)
    {
        if (request is { Status: PairingStatus.Matched, SessionId: { } won } && request.MitraId == mitra.Id)
            return new AlreadyAccepted(won);
        if (!mitra.IsActive)
            throw new DomainException(ProblemNames.MitraInactive, "This mitra account is inactive; contact the control center.");
        EnsureOpen(request, now);
        return null;
    }

    /// <summary>The request's side of an accept alone (first come, first served).</summary>
    public static PairingAccepted Accept(PairingRequest request, Guid mitraId, Guid sessionId, DateTimeOffset now)
    {
        EnsureOpen(request, now);
        return new PairingAccepted(request.Id, mitraId, sessionId, now);
    }

    /// <summary>
    /// A mitra passes. When every offered mitra has declined and no other mitra is available
    /// (<paramref name="othersAvailable"/>), the request ends early as <c>no-bestie</c>.
    /// </summary>
    public static IReadOnlyList<object> Decline(PairingRequest request, Guid mitraId, bool othersAvailable, DateTimeOffset now)
    {
        EnsureOpen(request, now);
        if (request.DeclinedBy.Contains(mitraId))
            return [];
        var declined = new PairingDeclined(request.Id, mitraId, now);
        var everyoneDeclined = request.OfferedTo.All(id => id == mitraId || request.DeclinedBy.Contains(id));
        return everyoneDeclined && !othersAvailable
            ? [declined, new PairingExpired(request.Id, PairingReasons.NoBestie, now)]
            : [declined];
    }

    public static PairingCancelled Cancel(PairingRequest request, string reason, DateTimeOffset now)
    {
        if (request.Status != PairingStatus.Searching)
            throw new DomainException(ProblemNames.RequestClosed, $"The request is already {request.Status.ToString().ToLowerInvariant()}.");
        return new PairingCancelled(request.Id, reason, now);
    }

    /// <summary>The durable timer: a searching request past its expiry expires, once.</summary>
    public static IReadOnlyList<object> Expire(PairingRequest request, DateTimeOffset now) =>
        request.Status == PairingStatus.Searching && now >= request.ExpiresAt
            ? [new PairingExpired(request.Id, PairingReasons.Timeout, now)]
            : [];

    /// <summary>Searching and not past its deadline; else 409 <c>already-taken</c> or <c>request-closed</c>.</summary>
    public static void EnsureOpen(PairingRequest request, DateTimeOffset now)
    {
        switch (request.Status)
        {
            case PairingStatus.Matched:
                throw new DomainException(ProblemNames.AlreadyTaken, "Another mitra has already taken this request.");
            case PairingStatus.Cancelled or PairingStatus.Expired:
                throw new DomainException(ProblemNames.RequestClosed, $"The request is {request.Status.ToString().ToLowerInvariant()}.");
        }
        if (now >= request.ExpiresAt)
            throw new DomainException(ProblemNames.RequestClosed, "The request has expired.");
    }
}

/// <summary>What a client already has open when it asks for a bestie: its active session, its searching request.</summary>
public readonly record struct OpenPairing(Guid? SessionId, Guid? RequestId);

/// <summary>What an accept decided: the session starts, the request closes because the client can no longer pay, or it was this mitra's already.</summary>
public abstract record AcceptOutcome
{
    /// <summary>What to append to the request's stream.</summary>
    public virtual IReadOnlyList<object> ForRequest => [];

    /// <summary>What to append to the mitra's stream.</summary>
    public virtual IReadOnlyList<object> ForMitra => [];

    /// <summary>What to append to the client's stream.</summary>
    public virtual IReadOnlyList<object> ForClient => [];
}

/// <summary>One event for each stream an accept touches: the request, the mitra, the client, and the new session's first.</summary>
public sealed record Accepted(PairingAccepted Request, MitraSessionStarted Mitra, CreditConsumed Client, SessionStarted Session) : AcceptOutcome
{
    public override IReadOnlyList<object> ForRequest => [Request];

    public override IReadOnlyList<object> ForMitra => [Mitra];

    public override IReadOnlyList<object> ForClient => [Client];

    /// <summary>The new session's stream: its start, and the system message that opens the conversation.</summary>
    public IReadOnlyList<object> ForSession => [Session, ConversationDecisions.Opening(Session)];
}

/// <summary>This mitra won the request already (a retried accept): its session, nothing more to record.</summary>
public sealed record AlreadyAccepted(Guid SessionId) : AcceptOutcome;

/// <summary>The client spent its last session since it asked: the request closes, nobody gets a session (409 <c>request-closed</c> after the commit).</summary>
public sealed record AcceptClosesRequest(PairingCancelled Cancelled) : AcceptOutcome
{
    public override IReadOnlyList<object> ForRequest => [Cancelled];
}
