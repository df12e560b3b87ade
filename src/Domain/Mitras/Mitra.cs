namespace HaloBestie.Domain.Mitras;

/// <summary>The mitra's profile as the sum of its events.</summary>
public sealed record Mitra(
    Guid Id,
    string FullName,
    string PhoneNumber,
    string Alias,
    string? Bio,
    IReadOnlyList<string> Specialties,
    bool IsActive,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? FirebaseUid = null,
    bool IsOnline = false,
    DateTimeOffset? OnlineSince = null,
    int? MaxCustomersOverride = null,
    int ActiveSessions = 0)
{
    /// <summary>How many clients this mitra may serve at once: the staff override, else the platform setting.</summary>
    public int CapacityUnder(int maxCustomersPerMitra) => MaxCustomersOverride ?? maxCustomersPerMitra;

    public static Mitra Create(MitraRegistered e) =>
        new(e.MitraId, e.FullName, e.PhoneNumber, e.Alias, e.Bio, e.Specialties, IsActive: true, e.At, e.At);

    public Mitra Apply(MitraProfileEdited e) => this with
    {
        FullName = e.FullName,
        PhoneNumber = e.PhoneNumber,
        Alias = e.Alias,
        Bio = e.Bio,
        Specialties = e.Specialties,
        UpdatedAt = e.At,
    };

    public Mitra Apply(MitraDeactivated e) => this with { IsActive = false, UpdatedAt = e.At };

    public Mitra Apply(MitraWentOnline e) => this with { IsOnline = true, OnlineSince = e.At };

    public Mitra Apply(MitraWentOffline e) => this with { IsOnline = false, OnlineSince = null };

    public Mitra Apply(MitraCapacitySet e) => this with { MaxCustomersOverride = e.MaxCustomers, UpdatedAt = e.At };

    public Mitra Apply(MitraSessionStarted e) => this with { ActiveSessions = ActiveSessions + 1 };

    public Mitra Apply(MitraSessionEnded e) => this with { ActiveSessions = Math.Max(0, ActiveSessions - 1) };

    /// <summary>PRODUCT.md §2: online, active and below capacity.</summary>
    public bool IsAvailableUnder(int maxCustomersPerMitra) => IsOnline && IsActive && HasRoom(ActiveSessions, MaxCustomersOverride, maxCustomersPerMitra);

    /// <summary>Below capacity: the rule of <see cref="IsAvailableUnder"/> on the two figures it needs (for queries that read only those).</summary>
    public static bool HasRoom(int activeSessions, int? maxCustomersOverride, int maxCustomersPerMitra) =>
        activeSessions < (maxCustomersOverride ?? maxCustomersPerMitra);

    public Mitra Apply(MitraActivated e) => this with { IsActive = true, UpdatedAt = e.At };

    public Mitra Apply(MitraFirebaseAccountBound e) => this with { FirebaseUid = e.FirebaseUid, UpdatedAt = e.At };
}
