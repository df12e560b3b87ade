namespace HaloBestie.Domain.Clients;

/// <summary>First contact: a Firebase account the backend had never seen.</summary>
public sealed record ClientSignedUp(Guid ClientId, string FirebaseUid, string SignInProvider, string? Email, string? PhoneNumber, DateTimeOffset At);

/// <summary>The client linked Google, Apple or phone to its (possibly anonymous) Firebase account.</summary>
public sealed record ClientRegistered(Guid ClientId, string SignInProvider, string? Email, string? PhoneNumber, DateTimeOffset At);

public sealed record ClientDisplayNameSet(Guid ClientId, string DisplayName, DateTimeOffset At);

public sealed record ClientSuspended(Guid ClientId, string Reason, Guid ByStaffId, DateTimeOffset At);

public sealed record ClientReinstated(Guid ClientId, string Reason, Guid ByStaffId, DateTimeOffset At);
