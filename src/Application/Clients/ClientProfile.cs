using HaloBestie.Domain.Clients;

namespace HaloBestie.Application.Clients;

/// <summary>The client's own profile, as the client app sees it.</summary>
public sealed record ClientProfile(Guid Id, string? DisplayName, string Alias, bool IsRegistered, ClientStatus Status, DateTimeOffset CreatedAt)
{
    public static ClientProfile From(Client c) => new(c.Id, c.DisplayName, c.Alias, c.IsRegistered, c.Status, c.CreatedAt);
}
