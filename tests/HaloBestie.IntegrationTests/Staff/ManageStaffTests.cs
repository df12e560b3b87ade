using HaloBestie.Clients.Internal;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Staff;

public class ManageStaffTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task An_admin_creates_an_operator_who_can_sign_in_and_is_listed()
    {
        var admin = await hosts.AdminAsync();

        var created = await admin.CreateStaffAsync(new CreateStaff { Email = "  Rina@HaloBestie.test ", Name = "Rina", Role = StaffRole.Operator, Password = "rina-password-123" });

        created.Email.Should().Be("rina@halobestie.test");
        (await admin.ListStaffAsync()).Should().Contain(s => s.Id == created.Id && s.Role == StaffRole.Operator);
        (await (await hosts.InternalAs("rina@halobestie.test", "rina-password-123")).GetCurrentStaffAsync()).Name.Should().Be("Rina");
    }

    [Fact]
    public async Task Creating_staff_with_an_email_in_use_returns_409()
    {
        var admin = await hosts.AdminAsync();

        var problem = await ProblemOf(() => admin.CreateStaffAsync(new CreateStaff { Email = HostsFixture.AdminEmail, Name = "Again", Role = StaffRole.Admin, Password = "another-password-1" }));

        problem.Should().BeEquivalentTo(new { Status = 409, Name = "conflict" }, o => o.ExcludingMissingMembers());
    }

    [Fact]
    public async Task Creating_staff_with_bad_fields_returns_400_with_each_field()
    {
        var admin = await hosts.AdminAsync();

        var problem = await ProblemOf(() => admin.CreateStaffAsync(new CreateStaff { Email = "not-an-email", Name = "", Role = StaffRole.Operator, Password = "short" }));

        problem.Name.Should().Be("validation");
        problem.Errors.Keys.Should().BeEquivalentTo("email", "name", "password");
    }

    [Fact]
    public async Task The_last_active_admin_cannot_demote_itself()
    {
        var admin = await hosts.AdminAsync();
        var me = await admin.GetCurrentStaffAsync();

        var problem = await ProblemOf(() => admin.UpdateStaffAsync(me.Id, new UpdateStaffBody { Name = me.Name, Role = StaffRole.Operator, IsActive = true }));

        problem.Name.Should().Be("conflict");
        (await admin.GetCurrentStaffAsync()).Role.Should().Be(StaffRole.Admin);
    }

    [Fact]
    public async Task Staff_changes_are_audited_with_the_acting_admin()
    {
        var admin = await hosts.AdminAsync();
        var me = await admin.GetCurrentStaffAsync();
        var created = await admin.CreateStaffAsync(new CreateStaff { Email = $"audit-{Guid.NewGuid():N}@halobestie.test", Name = "A", Role = StaffRole.Operator, Password = "a-long-enough-password" });
        await admin.UpdateStaffAsync(created.Id, new UpdateStaffBody { Name = "B", Role = StaffRole.Admin, IsActive = true });

        var audit = await admin.ListAuditEntriesAsync(me.Id, null, null, 1, 100);

        audit.Items.Where(e => e.TargetId == created.Id.ToString()).Select(e => e.Action)
            .Should().BeEquivalentTo("staff.updated", "staff.created");
    }

    [Fact]
    public async Task Updating_unknown_staff_returns_404_not_found()
    {
        var admin = await hosts.AdminAsync();

        var problem = await ProblemOf(() => admin.UpdateStaffAsync(Guid.NewGuid(), new UpdateStaffBody { Name = "X", Role = StaffRole.Operator, IsActive = true }));

        problem.Should().BeEquivalentTo(new { Status = 404, Name = "not-found" }, o => o.ExcludingMissingMembers());
    }
}
