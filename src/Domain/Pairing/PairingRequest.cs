namespace HaloBestie.Domain.Pairing;

public enum PairingStatus
{
    Searching,
    Matched,
    Cancelled,
    Expired,
}

/// <summary>
/// A client's "Mulai Curhat". <see cref="SearchingClientId"/> is the client id while searching and
/// null afterwards: a unique index on it is what keeps one searching request per client, even
/// under concurrent double-taps.
/// </summary>
public sealed record PairingRequest(
    Guid Id,
    Guid ClientId,
    string? Topic,
    string? Note,
    PairingStatus Status,
    IReadOnlyList<Guid> OfferedTo,
    IReadOnlyList<Guid> DeclinedBy,
    Guid? MitraId,
    Guid? SessionId,
    string? ClosedReason,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? MatchedAt,
    DateTimeOffset? ClosedAt)
{
    public Guid? SearchingClientId => Status == PairingStatus.Searching ? ClientId : null;

    /// <summary>Seconds from request to match: the figure the dashboard's wait statistics use.</summary>
    public double? WaitSeconds => MatchedAt is { } m ? (m - RequestedAt).TotalSeconds : null;

    public static PairingRequest Create(PairingRequested e) =>
        new(e.RequestId, e.ClientId, e.Topic, e.Note, PairingStatus.Searching, [], [], null, null, null, e.At, e.ExpiresAt, null, null);

    public PairingRequest Apply(PairingOffered e) => this with { OfferedTo = [.. OfferedTo, .. e.MitraIds.Where(id => !OfferedTo.Contains(id))] };

    public PairingRequest Apply(PairingDeclined e) => DeclinedBy.Contains(e.MitraId) ? this : this with { DeclinedBy = [.. DeclinedBy, e.MitraId] };

    public PairingRequest Apply(PairingAccepted e) =>
        this with { Status = PairingStatus.Matched, MitraId = e.MitraId, SessionId = e.SessionId, MatchedAt = e.At, ClosedAt = e.At };

    public PairingRequest Apply(PairingCancelled e) => this with { Status = PairingStatus.Cancelled, ClosedReason = e.Reason, ClosedAt = e.At };

    public PairingRequest Apply(PairingExpired e) => this with { Status = PairingStatus.Expired, ClosedReason = e.Reason, ClosedAt = e.At };

    public PairingRequest Apply(PairingRequestErased e) => this with { Note = null };
}
