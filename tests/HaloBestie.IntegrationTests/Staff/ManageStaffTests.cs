using HaloBestie.Clients.Internal;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Staff;

public class ManageStaffTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task CreateStaff_when_an_admin_creates_an_operator_lists_it_and_lets_it_sign_in()
    {
        var admin = await hosts.AdminAsync();

        var created = await admin.CreateStaffAsync(new CreateStaff { Email = "  Rina@HaloBestie.test ", Name = "Rina", Role = StaffRole.Operator, Password = "rina-password-123" });

        created.Email.Should().Be("rina@halobestie.test");
        (await admin.ListStaffAsync()).Should().Contain(s => s.Id == created.Id && s.Role == StaffRole.Operator);
        (await (await hosts.InternalAs("rina@halobestie.test", "rina-password-123")).GetCurrentStaffAsync()).Name.Should().Be("Rina");
    }

    [Fact]
    public async Task CreateStaff_when_the_email_is_in_use_returns_409()
    {
        var admin = await hosts.AdminAsync();

        var problem = await ProblemOf(() => admin.CreateStaffAsync(new CreateStaff { Email = HostsFixture.AdminEmail, Name = "Again", Role = StaffRole.Admin, Password = "another-password-1" }));

        problem.Should().BeEquivalentTo(new { Status = 409, Name = "conflict" }, o => o.ExcludingMissingMembers());
    }

    [Fact]
    public async Task CreateStaff_when_fields_are_bad_returns_400_naming_each_field()
    {
        var admin = await hosts.AdminAsync();

        var problem = await ProblemOf(() => admin.CreateStaffAsync(new CreateStaff { Email = "not-an-email", Name = "", Role = StaffRole.Operator, Password = "short" }));

        problem.Name.Should().Be("validation");
        problem.Errors.Keys.Should().BeEquivalentTo("email", "name", "password");
    }

    [Fact]
    public async Task UpdateStaff_when_the_last_active_admin_demotes_itself_returns_conflict()
    {
        var admin = await hosts.AdminAsync();
        var me = await admin.GetCurrentStaffAsync();

        var problem = await ProblemOf(() => admin.UpdateStaffAsync(me.Id, new UpdateStaffBody { Name = me.Name, Role = StaffRole.Operator, IsActive = true }));

        problem.Name.Should().Be("conflict");
        (await admin.GetCurrentStaffAsync()).Role.Should().Be(StaffRole.Admin);
    }

    [Fact]
    public async Task Audit_when_an_admin_creates_or_updates_staff_records_the_acting_admin()
    {
        var admin = await hosts.AdminAsync();
        var me = await admin.GetCurrentStaffAsync();
        var created = await admin.CreateStaffAsync(new CreateStaff { Email = $"audit-{Guid.NewGuid():N}@halobestie.test", Name = "A", Role = StaffRole.Operator, Password = "a-long-enough-password" });
        // Still an operator: a second active admin would let the bootstrap admin demote itself in
        // this class's last-admin test, should xUnit run that one after this.
        await admin.UpdateStaffAsync(created.Id, new UpdateStaffBody { Name = "B", Role = StaffRole.Operator, IsActive = true });

        var audit = await admin.ListAuditEntriesAsync(me.Id, null, null, 1, 100);

        audit.Items.Where(e => e.TargetId == created.Id.ToString()).Select(e => e.Action)
            .Should().BeEquivalentTo("staff.updated", "staff.created");
    }

    [Fact]
    public async Task UpdateStaff_when_the_staff_is_unknown_returns_404_not_found()
    {
        var admin = await hosts.AdminAsync();

        var problem = await ProblemOf(() => admin.UpdateStaffAsync(Guid.NewGuid(), new UpdateStaffBody { Name = "X", Role = StaffRole.Operator, IsActive = true }));

        problem.Should().BeEquivalentTo(new { Status = 404, Name = "not-found" }, o => o.ExcludingMissingMembers());
    }
}
