using System.Security.Cryptography;
using System.Text;
using HaloBestie.Application.DataRights;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace HaloBestie.Infrastructure.Identity;

/// <summary>
/// HMAC-SHA256 of a Firebase UID under <c>DataRights:AccountHashKey</c> (at least 32 bytes): what
/// is kept of an erased account, so that the same Firebase account gets no second trial. Without
/// the key the stored hashes cannot be matched to UIDs, even by whoever holds a copy of the
/// database. Required by the public host outside Development and Test (those use a fixed key of
/// their own); the internal host never needs it.
/// </summary>
public sealed class AccountHasher(byte[] key) : IAccountHasher
{
    public const string KeyKey = "DataRights:AccountHashKey";
    public const int MinKeyBytes = 32;
    private const string DevelopmentKey = "halobestie-development-account-hash-key-not-for-production";

    public static AccountHasher From(IConfiguration configuration, IHostEnvironment environment)
    {
        var key = configuration[KeyKey];
        if (string.IsNullOrWhiteSpace(key))
        {
            if (!environment.IsDevelopment() && !environment.IsEnvironment("Test"))
                throw new StartupRefusedException(
                    $"{KeyKey} must be set to a secret of at least {MinKeyBytes} bytes (environment variable DataRights__AccountHashKey): it keys what is kept of erased accounts (docs/privacy.md).");
            key = DevelopmentKey;
        }
        if (Encoding.UTF8.GetByteCount(key) < MinKeyBytes)
            throw new StartupRefusedException($"{KeyKey} must be at least {MinKeyBytes} bytes (environment variable DataRights__AccountHashKey).");
        return new AccountHasher(Encoding.UTF8.GetBytes(key));
    }

    public string Hash(string firebaseUid) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(firebaseUid)));
}
