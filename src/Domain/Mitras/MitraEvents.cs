namespace HaloBestie.Domain.Mitras;

public sealed record MitraRegistered(
    Guid MitraId,
    string FullName,
    string PhoneNumber,
    string Alias,
    string? Bio,
    IReadOnlyList<string> Specialties,
    Guid ByStaffId,
    DateTimeOffset At);

public sealed record MitraProfileEdited(
    Guid MitraId,
    string FullName,
    string PhoneNumber,
    string Alias,
    string? Bio,
    IReadOnlyList<string> Specialties,
    Guid ByStaffId,
    DateTimeOffset At);

public sealed record MitraDeactivated(Guid MitraId, string? Reason, Guid ByStaffId, DateTimeOffset At);

public sealed record MitraActivated(Guid MitraId, Guid ByStaffId, DateTimeOffset At);

/// <summary>The first phone sign-in of the mitra app: from now on only this Firebase account is this mitra.</summary>
public sealed record MitraFirebaseAccountBound(Guid MitraId, string FirebaseUid, DateTimeOffset At);
