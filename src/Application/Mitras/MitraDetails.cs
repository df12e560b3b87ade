using HaloBestie.Application.Settings;
using HaloBestie.Domain;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Settings;
using Marten;

namespace HaloBestie.Application.Mitras;

/// <summary>
/// A mitra as the control center sees it. <c>HasSignedIn</c>: the mitra app has bound its Firebase
/// account. <c>Capacity</c>: the override if staff set one, else the platform's maxCustomersPerMitra.
/// </summary>
public sealed record MitraDetails(
    Guid Id,
    string FullName,
    string PhoneNumber,
    string Alias,
    string? Bio,
    IReadOnlyList<string> Specialties,
    bool IsActive,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool HasSignedIn,
    bool Online,
    DateTimeOffset? OnlineSince,
    bool Available,
    int Capacity,
    int? MaxCustomersOverride,
    int ActiveSessions)
{
    public static MitraDetails From(Mitra m, PlatformSettings settings)
    {
        var state = MitraAvailability.Of(m, settings);
        return new(m.Id, m.FullName, m.PhoneNumber, m.Alias, m.Bio, m.Specialties, m.IsActive, m.CreatedAt, m.UpdatedAt,
            m.FirebaseUid is not null, m.IsOnline, m.OnlineSince, state.Available, state.Capacity, m.MaxCustomersOverride, state.ActiveSessions);
    }
}

/// <summary>PRODUCT.md §2: a mitra is available when online, active and below capacity.</summary>
public sealed record MitraAvailability(bool Available, int Capacity, int ActiveSessions)
{
    public static MitraAvailability Of(Mitra m, PlatformSettings settings) =>
        new(m.IsAvailableUnder(settings.MaxCustomersPerMitra), m.CapacityUnder(settings.MaxCustomersPerMitra), m.ActiveSessions);
}

public static class MitraDetailsQueries
{
    /// <summary>The mitra as stored now (the inline projection is current as soon as an append commits).</summary>
    public static async Task<MitraDetails> MitraDetailsAsync(this IQuerySession session, Guid mitraId, CancellationToken ct)
    {
        var mitra = await session.LoadAsync<Mitra>(mitraId, ct) ?? throw new NotFoundException("Mitra", mitraId);
        return MitraDetails.From(mitra, await session.LoadSettingsAsync(ct));
    }
}
