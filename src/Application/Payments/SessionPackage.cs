namespace HaloBestie.Application.Payments;

/// <summary>A purchasable bundle of sessions, priced in whole rupiah. Staff-managed document.</summary>
public sealed record SessionPackage(Guid Id, string Name, int Sessions, long PriceIdr, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
