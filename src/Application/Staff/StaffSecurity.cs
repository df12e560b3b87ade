using HaloBestie.Domain.Staff;

namespace HaloBestie.Application.Staff;

/// <summary>Salted slow password hashes (implemented in Infrastructure).</summary>
public interface IPasswordHasher
{
    string Hash(string password);

    /// <summary>False for a wrong password. <paramref name="rehash"/> is set when the stored hash uses outdated parameters.</summary>
    bool Verify(string hash, string password, out string? rehash);
}

/// <summary>Short-lived signed access tokens for the control center (implemented in Infrastructure).</summary>
public interface IStaffTokenIssuer
{
    IssuedToken Issue(StaffAccount staff);
}

public sealed record IssuedToken(string AccessToken, DateTimeOffset ExpiresAt);

public sealed record StaffView(Guid Id, string Email, string Name, StaffRole Role, bool IsActive, DateTimeOffset CreatedAt)
{
    public static StaffView From(StaffAccount s) => new(s.Id, s.Email, s.Name, s.Role, s.IsActive, s.CreatedAt);
}

public static class StaffRules
{
    public const int MinPasswordLength = 12;
    public const int MaxPasswordLength = 128;

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
