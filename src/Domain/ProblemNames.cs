namespace HaloBestie.Domain;

/// <summary>The problem names of API.md: the last segment of every problem <c>type</c>.</summary>
public static class ProblemNames
{
    public const string Validation = "validation";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not-found";
    public const string RegistrationRequired = "registration-required";
    public const string PaymentRequired = "payment-required";
    public const string Suspended = "suspended";
    public const string NotAMitra = "not-a-mitra";
    public const string MitraInactive = "mitra-inactive";
    public const string AlreadySearching = "already-searching";
    public const string AlreadyInSession = "already-in-session";
    public const string AlreadyTaken = "already-taken";
    public const string RequestClosed = "request-closed";
    public const string CapacityFull = "capacity-full";
    public const string MitraUnavailable = "mitra-unavailable";
    public const string SessionEnded = "session-ended";
    public const string InvalidCredentials = "invalid-credentials";
    public const string LockedOut = "locked-out";
    public const string Conflict = "conflict";
    public const string AlreadyRated = "already-rated";
    public const string SessionActive = "session-active";
}

/// <summary>
/// The <c>code</c> of a problem whose <c>type</c> has several causes (issue 20; listed per route in
/// docs/authentication.md). Codes are only ever added.
/// </summary>
public static class ProblemCodes
{
    // forbidden
    public const string SessionRequired = "session-required";
    public const string MitraAccount = "mitra-account";
    public const string MitraOffline = "mitra-offline";

    // conflict
    public const string Retry = "retry";
    public const string Duplicate = "duplicate";
    public const string TokenAnonymous = "token-anonymous";
    public const string MessageIdReused = "message-id-reused";
    public const string IdempotencyKeyReused = "idempotency-key-reused";
    public const string AlreadyAcknowledged = "already-acknowledged";
    public const string SameMitra = "same-mitra";
    public const string LastAdmin = "last-admin";
    public const string EmailTaken = "email-taken";
    public const string PhoneTaken = "phone-taken";
}

public sealed class NotFoundException(string what, object id)
    : DomainException(ProblemNames.NotFound, $"{what} {id} was not found.");
