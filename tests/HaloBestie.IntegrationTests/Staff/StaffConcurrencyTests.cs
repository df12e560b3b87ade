using HaloBestie.Clients.Internal;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;
using StaffAccount = HaloBestie.Domain.Staff.StaffAccount;

namespace HaloBestie.IntegrationTests.Staff;

/// <summary>
/// Writers of one staff account racing each other: logins (which count failures and lock) and
/// admins (who deactivate, demote or reset passwords). Its own class, so its own schema: the
/// admin test needs to know exactly which admins are active.
/// </summary>
public class StaffConcurrencyTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private const string RightPassword = "a-long-enough-password"; // HostsFixture.NewStaffAsync's
    private const int MaxFailedAttempts = 5; // ControlCenter:Lockout:MaxFailedAttempts, default

    [Fact]
    public async Task Login_when_ten_wrong_passwords_arrive_at_once_counts_each_and_locks_the_account()
    {
        var (_, staff) = await hosts.NewStaffAsync();

        // 10 at once: within the per-email limit of production (10 per 5 minutes), so the
        // lockout alone has to stop them; the fixture raises the rate limits anyway.
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            ProblemOf(() => hosts.AnonymousInternal().LogInAsync(new LogIn { Email = staff.Email, Password = "wrong-password-" + i }))));

        // Every failure is counted on the latest copy of the account: the 5th locks it, and the
        // attempts still in flight find it locked when they read it again.
        answers.Select(a => a.Name).Should().OnlyContain(n => n == "invalid-credentials" || n == "locked-out");
        answers.Count(a => a.Name == "invalid-credentials").Should().Be(MaxFailedAttempts);
        answers.Count(a => a is { Status: 423, Name: "locked-out" }).Should().Be(10 - MaxFailedAttempts);

        var locked = await ProblemOf(() => hosts.AnonymousInternal().LogInAsync(new LogIn { Email = staff.Email, Password = RightPassword }));
        locked.Should().BeEquivalentTo(new { Status = 423, Name = "locked-out" }, o => o.ExcludingMissingMembers());

        var stored = await LoadAsync(staff.Id);
        stored.LockedUntil.Should().BeAfter(DateTimeOffset.UtcNow.AddMinutes(14));
        var audit = await (await hosts.AdminAsync()).ListAuditEntriesAsync(staff.Id, null, null, null, null);
        audit.Items.Where(e => e.Action == "staff.locked-out").Should().ContainSingle();
    }

    [Fact]
    public async Task Deactivate_when_wrong_password_logins_are_in_flight_leaves_the_account_deactivated()
    {
        var admin = await hosts.AdminAsync();

        // Three accounts side by side, each with logins in flight while the admin deactivates it.
        // Fewer failures than the lockout, so that every one of them must be counted exactly.
        const int failures = MaxFailedAttempts - 1;
        var accounts = new List<StaffView>();
        for (var i = 0; i < 3; i++)
            accounts.Add((await hosts.NewStaffAsync()).Staff);

        await Task.WhenAll(accounts.Select(async staff =>
        {
            var logins = Enumerable.Range(0, failures)
                .Select(i => ProblemOf(() => hosts.AnonymousInternal().LogInAsync(new LogIn { Email = staff.Email, Password = "wrong-password-" + i })))
                .ToList();
            await admin.UpdateStaffAsync(staff.Id, new UpdateStaffBody { Name = staff.Name, Role = staff.Role, IsActive = false });
            (await Task.WhenAll(logins)).Should().OnlyContain(p => p.Status == 401 && p.Name == "invalid-credentials");
        }));

        foreach (var staff in accounts)
        {
            var stored = await LoadAsync(staff.Id);
            stored.IsActive.Should().BeFalse("the admin deactivated {0} and no login may write back an older copy", staff.Email);
            stored.FailedLogins.Should().Be(failures);

            var refused = await ProblemOf(() => hosts.AnonymousInternal().LogInAsync(new LogIn { Email = staff.Email, Password = RightPassword }));
            refused.Name.Should().Be("invalid-credentials");
        }
        (await admin.ListStaffAsync()).Where(s => accounts.Any(a => a.Id == s.Id)).Should().OnlyContain(s => !s.IsActive);
    }

    [Fact]
    public async Task Deactivate_when_two_admins_deactivate_each_other_at_once_leaves_one_active_admin()
    {
        var survivor = await hosts.AdminAsync();
        var survivorView = await survivor.GetCurrentStaffAsync();

        for (var round = 0; round < 5; round++)
        {
            (await ActiveAdminIdsAsync()).Should().Equal(survivorView.Id);
            var email = $"admin-{Guid.NewGuid():N}@halobestie.test";
            var otherView = await survivor.CreateStaffAsync(new CreateStaff { Email = email, Name = "Second admin", Role = StaffRole.Admin, Password = RightPassword });
            var other = await hosts.InternalAs(email, RightPassword);

            var first = Attempt(() => survivor.UpdateStaffAsync(otherView.Id, new UpdateStaffBody { Name = otherView.Name, Role = StaffRole.Admin, IsActive = false }));
            var second = Attempt(() => other.UpdateStaffAsync(survivorView.Id, new UpdateStaffBody { Name = survivorView.Name, Role = StaffRole.Admin, IsActive = false }));
            var outcomes = await Task.WhenAll(first, second);

            // One decides first and wins. The other is refused: 409 (the last active admin) if its
            // request got past authentication, 401 if its own account was already deactivated.
            outcomes.Count(o => o is null).Should().Be(1, "round {0}: exactly one deactivation wins", round);
            outcomes.Where(o => o is not null).Should().OnlyContain(p => p!.Name == "conflict" || p.Status == 401);

            var active = await ActiveAdminIdsAsync();
            active.Should().ContainSingle("round {0}: the control center must keep an admin", round);
            if (active[0] == otherView.Id)
                (survivor, survivorView) = (other, otherView);
        }
    }

    private static async Task<Problem?> Attempt(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (Exception e)
        {
            return await ProblemOf(() => Task.FromException(e)); // reads the answer, does not call again
        }
    }

    private async Task<StaffAccount> LoadAsync(Guid id)
    {
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<StaffAccount>(id))!;
    }

    private async Task<List<Guid>> ActiveAdminIdsAsync()
    {
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        var admins = await session.Query<StaffAccount>()
            .Where(s => s.Role == Domain.Staff.StaffRole.Admin && s.IsActive)
            .ToListAsync();
        return admins.Select(s => s.Id).ToList();
    }
}
