using System.ComponentModel.DataAnnotations;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using Marten;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// A pairing request as its client sees it: <c>status</c> searching, matched, cancelled or expired;
/// <c>closedReason</c> timeout or no-bestie for an expired request; the session and the mitra once matched.
/// </summary>
public sealed record PairingRequestView(
    Guid Id,
    PairingStatus Status,
    string? Topic,
    string? Note,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt,
    [property: AllowedValues(PairingReasons.Timeout, PairingReasons.NoBestie, PairingReasons.CancelledByClient, PairingReasons.ClientSuspended, PairingReasons.PaymentRequired)] string? ClosedReason,
    Guid? SessionId,
    PairingNotifications.MitraShown? Mitra)
{
    public static async Task<PairingRequestView> OfAsync(IQuerySession session, PairingRequest r, CancellationToken ct)
    {
        PairingNotifications.MitraShown? mitra = null;
        if (r.MitraId is { } mitraId && await session.LoadAsync<Mitra>(mitraId, ct) is { } m)
            mitra = await PairingNotifications.MitraShownAsync(session, m, ct);
        return new PairingRequestView(r.Id, r.Status, r.Topic, r.Note, r.RequestedAt, r.ExpiresAt, r.ClosedReason, r.SessionId, mitra);
    }
}
