namespace HaloBestie.Domain.Pairing;

/// <summary>The pairing rules as pure functions (PRODUCT.md §3).</summary>
public static class PairingDecisions
{
    public const int MaxNoteLength = 500;

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
    /// First come, first served: a matched request answers <c>already-taken</c>; a cancelled or
    /// expired one — or one past its expiry the timer has not handled yet — <c>request-closed</c>.
    /// </summary>
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
