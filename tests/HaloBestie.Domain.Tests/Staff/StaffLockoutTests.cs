using HaloBestie.Domain.Staff;

namespace HaloBestie.Domain.Tests.Staff;

public class StaffLockoutTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    private static readonly LockoutPolicy Policy = new(MaxFailedAttempts: 3, Duration: TimeSpan.FromMinutes(15));

    private static StaffAccount Account() =>
        new(Guid.CreateVersion7(), "op@halobestie.local", "Operator", StaffRole.Operator, true, "hash", 0, null, Now);

    [Fact]
    public void AfterFailedLogin_when_below_the_threshold_counts_without_locking_out()
    {
        var staff = Account().AfterFailedLogin(Policy, Now).AfterFailedLogin(Policy, Now);

        staff.FailedLogins.Should().Be(2);
        staff.IsLockedOut(Now).Should().BeFalse();
    }

    [Fact]
    public void AfterFailedLogin_when_the_threshold_is_reached_locks_out_for_the_duration()
    {
        var staff = Account().AfterFailedLogin(Policy, Now).AfterFailedLogin(Policy, Now).AfterFailedLogin(Policy, Now);

        staff.IsLockedOut(Now).Should().BeTrue();
        staff.IsLockedOut(Now.AddMinutes(14)).Should().BeTrue();
        staff.IsLockedOut(Now.AddMinutes(15)).Should().BeFalse();
    }

    [Fact]
    public void AfterSuccessfulLogin_when_logins_failed_before_resets_the_count()
    {
        var staff = Account().AfterFailedLogin(Policy, Now).AfterFailedLogin(Policy, Now).AfterSuccessfulLogin();

        staff.FailedLogins.Should().Be(0);
        staff.AfterFailedLogin(Policy, Now).IsLockedOut(Now).Should().BeFalse();
    }
}
