using HaloBestie.Application.Settings;
using HaloBestie.Domain;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Sessions;
using HaloBestie.Domain.Settings;
using Marten;
using Riok.Mapperly.Abstractions;

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
    int ActiveSessions,
    MitraDetails.RatingSummary? Ratings = null)
{
    /// <summary>The clients' ratings of the sessions this mitra held to their end: how many, and their average stars (null before the first).</summary>
    public sealed record RatingSummary(int Count, double? AverageStars);

    public static MitraDetails From(Mitra m, PlatformSettings settings)
    {
        var state = MitraAvailability.Of(m, settings);
        return MitraDetailsMapper.ToDetails(m, hasSignedIn: m.FirebaseUid is not null, available: state.Available, capacity: state.Capacity);
    }
}

/// <summary>
/// Seventeen fields, thirteen straight from the profile (ADR 0008: Mapperly where a mapping is more
/// than a one-line constructor; a field added to either side without a mapping fails the build).
/// The Firebase UID stays out: staff see only whether the app has signed in.
/// </summary>
[Mapper]
internal static partial class MitraDetailsMapper
{
    [MapProperty(nameof(Mitra.IsOnline), nameof(MitraDetails.Online))]
    [MapperIgnoreSource(nameof(Mitra.FirebaseUid))]
    [MapperIgnoreTarget(nameof(MitraDetails.Ratings))] // read from the sessions, not the mitra (MitraDetailsAsync)
    public static partial MitraDetails ToDetails(Mitra mitra, bool hasSignedIn, bool available, int capacity);
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
        var ratings = (await session.AdvancedSql.QueryAsync<MitraDetails.RatingSummary>($"""
            select jsonb_build_object('count', count(*), 'averageStars', round(avg((data->>'ratingStars')::int), 2)::float8)
            from {session.DocumentStore.Options.Schema.For<Session>()} where mitra_id = ? and rated_at is not null
            """, ct, mitraId)).Single();
        return MitraDetails.From(mitra, await session.LoadSettingsAsync(ct)) with { Ratings = ratings };
    }
}
