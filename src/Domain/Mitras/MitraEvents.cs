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

public sealed record MitraWentOnline(Guid MitraId, DateTimeOffset At);

/// <summary><paramref name="OnlineSince"/> is when the period that ends here began (see <see cref="OfflineReasons"/>).</summary>
public sealed record MitraWentOffline(Guid MitraId, string Reason, DateTimeOffset OnlineSince, DateTimeOffset At);

/// <summary><paramref name="MaxCustomers"/> null: back to the platform's maxCustomersPerMitra.</summary>
public sealed record MitraCapacitySet(Guid MitraId, int? MaxCustomers, Guid ByStaffId, DateTimeOffset At);

/// <summary>Why a mitra went offline (API.md, PRODUCT.md §2).</summary>
public static class OfflineReasons
{
    public const string Manual = "manual";
    public const string HeartbeatTimeout = "heartbeat-timeout";
    public const string BackgroundTimeout = "background-timeout";
    public const string AppClosed = "app-closed";
    public const string ForcedByStaff = "forced-by-staff";
    public const string Deactivated = "deactivated";
}

/// <summary>
/// The mitra took a session (an accepted pairing). Appended to the mitra's stream in the same
/// transaction as the accept: two accepts by one mitra at once conflict on this stream, so
/// capacity can never be exceeded.
/// </summary>
public sealed record MitraSessionStarted(Guid MitraId, Guid SessionId, DateTimeOffset At);

/// <summary>A session of the mitra ended, or was rerouted away from it: one place freed.</summary>
public sealed record MitraSessionEnded(Guid MitraId, Guid SessionId, DateTimeOffset At);
