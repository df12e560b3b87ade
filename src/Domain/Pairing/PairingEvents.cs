namespace HaloBestie.Domain.Pairing;

public sealed record PairingRequested(Guid RequestId, Guid ClientId, string? Topic, string? Note, DateTimeOffset ExpiresAt, DateTimeOffset At);

/// <summary>The request was blasted to these mitras (at creation, or later to a mitra who became available).</summary>
public sealed record PairingOffered(Guid RequestId, IReadOnlyList<Guid> MitraIds, DateTimeOffset At);

public sealed record PairingDeclined(Guid RequestId, Guid MitraId, DateTimeOffset At);

/// <summary>The first accept to commit. <paramref name="SessionId"/> is the session started in the same transaction.</summary>
public sealed record PairingAccepted(Guid RequestId, Guid MitraId, Guid SessionId, DateTimeOffset At);

public sealed record PairingCancelled(Guid RequestId, string Reason, DateTimeOffset At);

/// <summary><paramref name="Reason"/>: <c>timeout</c> (pairingTimeoutSeconds passed) or <c>no-bestie</c> (every offered mitra declined).</summary>
public sealed record PairingExpired(Guid RequestId, string Reason, DateTimeOffset At);

/// <summary>The client erased its account (PRODUCT.md §11): the request's note, the client's own words, is gone.</summary>
public sealed record PairingRequestErased(Guid RequestId, DateTimeOffset At);

public static class PairingReasons
{
    public const string Timeout = "timeout";
    public const string NoBestie = "no-bestie";
    public const string CancelledByClient = "cancelled-by-client";
    public const string ClientSuspended = "client-suspended";
    public const string PaymentRequired = "payment-required";
    public const string ClientDeleted = "client-deleted";
}

/// <summary>Why a request is closed for the mitras it was offered to: the <c>reason</c> of the <c>pairing.closed</c> event and push.</summary>
public static class PairingClosedReasons
{
    public const string Taken = "taken";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";

    /// <summary>Push only: the mitra declined it on one of its phones; its other phones withdraw the offer.</summary>
    public const string Declined = "declined";
}
