namespace HaloBestie.Domain.Staff;

/// <summary>
/// A control-center account. Stored as a document, not a stream: its history that matters
/// (who did what) is the audit log, and login counters are not facts worth keeping.
/// </summary>
public sealed record StaffAccount(
    Guid Id,
    string Email,
    string Name,
    StaffRole Role,
    bool IsActive,
    string PasswordHash,
    int FailedLogins,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt)
{
    public bool IsLockedOut(DateTimeOffset now) => LockedUntil is { } until && until > now;

    public StaffAccount AfterFailedLogin(LockoutPolicy policy, DateTimeOffset now)
    {
        var failures = FailedLogins + 1;
        return failures >= policy.MaxFailedAttempts
            ? this with { FailedLogins = 0, LockedUntil = now + policy.Duration }
            : this with { FailedLogins = failures };
    }

    public StaffAccount AfterSuccessfulLogin() => this with { FailedLogins = 0, LockedUntil = null };
}

/// <summary>After <see cref="MaxFailedAttempts"/> consecutive failures the account is locked for <see cref="Duration"/>.</summary>
public sealed record LockoutPolicy(int MaxFailedAttempts, TimeSpan Duration);
