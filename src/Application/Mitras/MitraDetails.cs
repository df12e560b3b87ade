using HaloBestie.Domain.Mitras;

namespace HaloBestie.Application.Mitras;

/// <summary>A mitra as the control center sees it. <c>HasSignedIn</c>: the mitra app has bound its Firebase account.</summary>
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
    bool HasSignedIn)
{
    public static MitraDetails From(Mitra m) =>
        new(m.Id, m.FullName, m.PhoneNumber, m.Alias, m.Bio, m.Specialties, m.IsActive, m.CreatedAt, m.UpdatedAt, m.FirebaseUid is not null);
}
