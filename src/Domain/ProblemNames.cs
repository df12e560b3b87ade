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
    public const string ReauthenticationRequired = "reauthentication-required";
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

/// <summary>
/// The <c>errorCodes</c> of a 400 <c>validation</c> answer that the rules of this solution name
/// (FluentValidation's own rules get codes from their names: <c>required</c>, <c>too-long</c>, …; see
/// docs/authentication.md). One code per cause an app may want to tell apart; only ever added.
/// </summary>
public static class ValidationCodes
{
    public const string Required = "required";
    public const string Invalid = "invalid";
    public const string UnknownValue = "unknown-value";
    public const string MalformedBody = "malformed-body";
    public const string NulCharacter = "nul-character";

    public const string DisplayNameLength = "display-name-length";
    public const string DisplayNameCharacter = "display-name-character";
    public const string DisplayNameControlCharacter = "display-name-control-character";
    public const string NotUnicode = "not-unicode";

    public const string TextRequired = "text-required";
    public const string TextTooLong = "text-too-long";
    public const string TextControlCharacter = "text-control-character";

    public const string StarsRange = "stars-range";
    public const string CommentTooLong = "comment-too-long";

    public const string BeforeAndAfter = "before-and-after";
    public const string IdempotencyKeyFormat = "idempotency-key-format";
    public const string PhoneFormat = "phone-format";
    public const string TooMany = "too-many";
    public const string NotUnique = "not-unique";
    public const string TimeZone = "time-zone";
    public const string VersionFormat = "version-format";
    public const string TimeoutBelowInterval = "timeout-below-interval";
    public const string WindowTooLong = "window-too-long";
    public const string PhraseLength = "phrase-length";
    public const string PhraseNeedsLetter = "phrase-needs-letter";
    public const string CrisisResourceLength = "crisis-resource-length";
    public const string InstallationIdFormat = "installation-id-format";
    public const string FcmTokenFormat = "fcm-token-format";
}

/// <summary>A rule refused one value: the stable <see cref="ValidationCodes">code</see> and an English sentence saying why.</summary>
public sealed record Refusal(string Code, string Message);

/// <summary>400 <c>validation</c> for one field of the request, with the rule's code (a domain rule, not FluentValidation's).</summary>
public sealed class InvalidFieldException(string field, Refusal refusal) : DomainException(ProblemNames.Validation, refusal.Message)
{
    public string Field { get; } = field;

    public Refusal Refusal { get; } = refusal;
}

public sealed class NotFoundException(string what, object id)
    : DomainException(ProblemNames.NotFound, $"{what} {id} was not found.");
