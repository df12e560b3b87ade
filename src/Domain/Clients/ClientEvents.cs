namespace HaloBestie.Domain.Clients;

/// <summary>First contact: a Firebase account the backend had never seen.</summary>
public sealed record ClientSignedUp(Guid ClientId, string FirebaseUid, string SignInProvider, string? Email, string? PhoneNumber, DateTimeOffset At);

/// <summary>The client linked Google, Apple or phone to its (possibly anonymous) Firebase account.</summary>
public sealed record ClientRegistered(Guid ClientId, string SignInProvider, string? Email, string? PhoneNumber, DateTimeOffset At);

public sealed record ClientDisplayNameSet(Guid ClientId, string DisplayName, DateTimeOffset At);

public sealed record ClientSuspended(Guid ClientId, string Reason, Guid ByStaffId, DateTimeOffset At);

public sealed record ClientReinstated(Guid ClientId, string Reason, Guid ByStaffId, DateTimeOffset At);

/// <summary>
/// The client deleted its account (PRODUCT.md §11, <c>DELETE /api/client/me</c>): from here on the
/// client record holds no personal field, and the erasure of its events follows
/// (<see cref="ClientEventsMasked"/>).
/// </summary>
public sealed record ClientErased(Guid ClientId, DateTimeOffset At);

/// <summary>The personal fields inside the stored events of the client, its requests, sessions and payments were masked.</summary>
public sealed record ClientEventsMasked(Guid ClientId, DateTimeOffset At);

/// <summary>The free sessions a client receives once, when it first becomes registered (setting trialSessions).</summary>
public sealed record TrialGranted(Guid ClientId, int Sessions, DateTimeOffset At);

public sealed record CreditsPurchased(Guid ClientId, Guid PaymentId, int Sessions, DateTimeOffset At);

/// <summary><paramref name="Kind"/>: <see cref="CreditKinds"/>.</summary>
public sealed record CreditConsumed(Guid ClientId, Guid SessionId, string Kind, DateTimeOffset At);

public sealed record CreditReturned(Guid ClientId, Guid SessionId, string Kind, string Reason, DateTimeOffset At);

public static class CreditKinds
{
    public const string Trial = "trial";
    public const string Paid = "paid";
}

/// <summary>Why a <see cref="CreditReturned"/>.</summary>
public static class CreditReturnReasons
{
    public const string EndedByStaffWithin5Minutes = "ended-by-staff-within-5-minutes";
}
