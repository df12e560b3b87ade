using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Payments;

namespace HaloBestie.Application.Clients;

/// <summary>
/// A client as the control center sees it (staff may see email and phone; mitras never do), with
/// its entitlements; the detail route adds its session count and latest payments. <c>deleted</c>: the
/// client erased its account (PRODUCT.md §11): every personal field is then null.
/// </summary>
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
    DateTimeOffset UpdatedAt,
    int TrialSessionsLeft,
    int Credits,
    int? SessionCount = null,
    IReadOnlyList<ClientPayment>? Payments = null,
    bool Deleted = false)
{
    public static ClientDetails From(Client c) => new(c.Id, c.DisplayName, c.Alias, c.IsRegistered, c.SignInProvider, c.Email,
        c.PhoneNumber, c.Status, c.SuspensionReason, c.CreatedAt, c.RegisteredAt, c.UpdatedAt, c.TrialSessionsLeft, c.Credits, Deleted: c.IsErased);
}

/// <summary>A payment as staff see it in the client's detail.</summary>
public sealed record ClientPayment(Guid Id, string PackageName, int Sessions, long AmountIdr, PaymentStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? PaidAt);
