using HaloBestie.Application.Staff;
using HaloBestie.Domain.Staff;
using Microsoft.AspNetCore.Identity;

namespace HaloBestie.Infrastructure.Identity;

/// <summary>
/// ASP.NET Core Identity's hasher: PBKDF2-HMAC-SHA512, 100,000 iterations, 128-bit salt, in a
/// versioned format that says when a stored hash should be upgraded (ADR 0012).
/// </summary>
public sealed class StaffPasswordHasher : IPasswordHasher
{
    private readonly PasswordHasher<StaffAccount> _hasher = new();

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    public bool Verify(string hash, string password, out string? rehash)
    {
        rehash = null;
        PasswordVerificationResult result;
        try
        {
            result = _hasher.VerifyHashedPassword(null!, hash, password);
        }
        catch (FormatException)
        {
            return false;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
            rehash = Hash(password);
        return result != PasswordVerificationResult.Failed;
    }
}
