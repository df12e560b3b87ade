using HaloBestie.Domain.Clients;

namespace HaloBestie.Application.Clients;

/// <summary>A client as the control center sees it (staff may see email and phone; mitras never do).</summary>
public sealed record ClientDetails(
    Guid Id,
    string? DisplayName,
    string Alias,
    bool IsRegistered,
    string SignInProvider,
    string? Email,
    string? PhoneNumber,
    ClientStatus Status,
    string? SuspensionReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RegisteredAt,
    DateTimeOffset UpdatedAt)
{
    public static ClientDetails From(Client c) => new(c.Id, c.DisplayName, c.Alias, c.IsRegistered, c.SignInProvider, c.Email,
        c.PhoneNumber, c.Status, c.SuspensionReason, c.CreatedAt, c.RegisteredAt, c.UpdatedAt);
}
