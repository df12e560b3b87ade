using HaloBestie.Domain.Mitras;

namespace HaloBestie.Application.Mitras;

/// <summary>A mitra as the control center sees it.</summary>
public sealed record MitraDetails(
    Guid Id,
    string FullName,
    string PhoneNumber,
    string Alias,
    string? Bio,
    IReadOnlyList<string> Specialties,
    bool IsActive,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static MitraDetails From(Mitra m) =>
        new(m.Id, m.FullName, m.PhoneNumber, m.Alias, m.Bio, m.Specialties, m.IsActive, m.CreatedAt, m.UpdatedAt);
}
