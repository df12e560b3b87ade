using HaloBestie.Clients.Internal;
using HaloBestie.IntegrationTests.Infrastructure;
using HaloBestie.IntegrationTests.Mitras;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Audit;

public class AuditLogTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Audit_when_staff_change_a_mitra_records_each_change_with_staff_time_and_target()
    {
        var (client, staff) = await hosts.NewStaffAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var mitra = await client.RegisterMitraAsync(RegisterMitraTests.NewMitra());
        await client.EditMitraAsync(mitra.Id, new EditMitraBody { FullName = "Siti R.", PhoneNumber = mitra.PhoneNumber, Alias = mitra.Alias });
        await client.DeactivateMitraAsync(mitra.Id, new DeactivateMitraBody { Reason = "left" });
        await client.ActivateMitraAsync(mitra.Id);

        var audit = await client.ListAuditEntriesAsync(staff.Id, before, null, 1, 50);

        audit.Items.Select(e => e.Action).Should().Equal("mitra.activated", "mitra.deactivated", "mitra.updated", "mitra.created");
        audit.Items.Should().OnlyContain(e => e.StaffId == staff.Id && e.StaffEmail == staff.Email
            && e.TargetType == "mitra" && e.TargetId == mitra.Id.ToString() && e.At >= before);
        audit.Items.Single(e => e.Action == "mitra.deactivated").Detail.Should().Be("left");
    }

    [Fact]
    public async Task ListAuditEntries_when_filtered_by_time_and_paged_returns_the_matching_page()
    {
        var (client, staff) = await hosts.NewStaffAsync();
        for (var i = 0; i < 3; i++)
            await client.RegisterMitraAsync(RegisterMitraTests.NewMitra());

        var page = await client.ListAuditEntriesAsync(staff.Id, null, null, 2, 2);
        page.Total.Should().Be(3);
        page.Items.Should().ContainSingle();

        var future = await client.ListAuditEntriesAsync(staff.Id, DateTimeOffset.UtcNow.AddMinutes(1), null, null, null);
        future.Total.Should().Be(0);

        var backwards = await ProblemOf(() => client.ListAuditEntriesAsync(null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(-1), null, null));
        backwards.Name.Should().Be("validation");
    }

    [Fact]
    public async Task Audit_when_an_admin_changes_a_package_records_it_with_admin_time_and_package()
    {
        var (admin, staff) = await hosts.NewStaffAsync(StaffRole.Admin);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var package = await admin.CreatePackageAsync(new CreatePackage { Name = "Paket hemat", Sessions = 3, PriceIdr = 150_000 });
        await admin.UpdatePackageAsync(package.Id, new UpdatePackageBody { Name = "Paket hemat", Sessions = 3, PriceIdr = 120_000, IsActive = false });

        var audit = await admin.ListAuditEntriesAsync(staff.Id, before, null, 1, 50);

        audit.Items.Select(e => e.Action).Should().Equal("package.updated", "package.created");
        audit.Items.Should().OnlyContain(e => e.StaffId == staff.Id && e.StaffEmail == staff.Email
            && e.TargetType == "package" && e.TargetId == package.Id.ToString() && e.At >= before);
        audit.Items.Select(e => e.Detail).Should().Equal("Paket hemat: 3 sessions, IDR 120000, active=False", "Paket hemat: 3 sessions, IDR 150000");
    }
}
