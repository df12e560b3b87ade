namespace HaloBestie.Domain.Mitras;

/// <summary>What staff type in about a mitra, already validated and normalised.</summary>
public sealed record MitraProfile(
    string FullName,
    string PhoneNumber,
    string Alias,
    string? Bio,
    IReadOnlyList<string> Specialties);
