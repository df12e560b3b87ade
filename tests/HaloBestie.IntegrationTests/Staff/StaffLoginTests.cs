using System.Net;
using System.Net.Http.Headers;
using HaloBestie.Clients.Internal;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Staff;

public class StaffLoginTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Login_when_the_bootstrap_admin_signs_in_returns_a_token_and_the_admin_profile()
    {
        var result = await hosts.AnonymousInternal().LogInAsync(new LogIn { Email = HostsFixture.AdminEmail.ToUpperInvariant(), Password = HostsFixture.AdminPassword });

        result.AccessToken.Should().NotBeNullOrEmpty();
        result.ExpiresAt.Should().BeAfter(DateTimeOffset.UtcNow.AddMinutes(25)).And.BeBefore(DateTimeOffset.UtcNow.AddMinutes(31));
        result.Staff.Role.Should().Be(StaffRole.Admin);

        var me = await (await hosts.AdminAsync()).GetCurrentStaffAsync();
        me.Email.Should().Be(HostsFixture.AdminEmail);
    }

    [Fact]
    public async Task Login_when_the_password_is_wrong_returns_401_invalid_credentials()
    {
        var problem = await ProblemOf(() => hosts.AnonymousInternal().LogInAsync(new LogIn { Email = HostsFixture.AdminEmail, Password = "not-the-password" }));

        problem.Status.Should().Be(401);
        problem.Name.Should().Be("invalid-credentials");
    }

    [Fact]
    public async Task Login_when_the_email_is_unknown_returns_401_invalid_credentials()
    {
        var problem = await ProblemOf(() => hosts.AnonymousInternal().LogInAsync(new LogIn { Email = "nobody@halobestie.test", Password = "whatever-password" }));

        problem.Should().BeEquivalentTo(new { Status = 401, Name = "invalid-credentials" });
    }

    [Fact]
    public async Task Login_when_the_fields_are_empty_returns_400_validation()
    {
        var problem = await ProblemOf(() => hosts.AnonymousInternal().LogInAsync(new LogIn { Email = "", Password = "" }));

        problem.Name.Should().Be("validation");
        problem.Errors.Keys.Should().BeEquivalentTo("email", "password");
    }

    [Fact]
    public async Task Login_when_five_attempts_failed_returns_423_locked_out_even_with_the_right_password()
    {
        var (_, staff) = await hosts.NewStaffAsync();
        var anonymous = hosts.AnonymousInternal();

        for (var i = 0; i < 5; i++)
        {
            var failure = await ProblemOf(() => anonymous.LogInAsync(new LogIn { Email = staff.Email, Password = "wrong-password-" + i }));
            failure.Name.Should().Be("invalid-credentials");
        }

        var locked = await ProblemOf(() => anonymous.LogInAsync(new LogIn { Email = staff.Email, Password = "a-long-enough-password" }));
        locked.Status.Should().Be(423);
        locked.Name.Should().Be("locked-out");

        var audit = await (await hosts.AdminAsync()).ListAuditEntriesAsync(staff.Id, null, null, null, null);
        audit.Items.Should().Contain(e => e.Action == "staff.locked-out");
    }

    [Fact]
    public async Task UpdateStaff_when_an_admin_sets_a_new_password_lifts_the_lockout()
    {
        var (_, staff) = await hosts.NewStaffAsync();
        for (var i = 0; i < 5; i++)
            await ProblemOf(() => hosts.AnonymousInternal().LogInAsync(new LogIn { Email = staff.Email, Password = "wrong-password" }));

        await (await hosts.AdminAsync()).UpdateStaffAsync(staff.Id, new UpdateStaffBody { Name = staff.Name, Role = staff.Role, IsActive = true, Password = "a-brand-new-password" });

        var client = await hosts.InternalAs(staff.Email, "a-brand-new-password");
        (await client.GetCurrentStaffAsync()).Id.Should().Be(staff.Id);
    }

    [Theory]
    [InlineData("/api/internal/auth/me")]
    [InlineData("/api/internal/mitras")]
    [InlineData("/api/internal/staff")]
    [InlineData("/api/internal/audit")]
    public async Task Authenticate_when_no_token_is_sent_returns_401_unauthorized(string route)
    {
        using var http = hosts.Internal.CreateClient();

        using var response = await http.GetAsync(route);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        Parse(401, await response.Content.ReadAsStringAsync()).Name.Should().Be("unauthorized");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0.")]
    public async Task Authenticate_when_the_token_is_forged_returns_401(string token)
    {
        using var http = hosts.Internal.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await http.GetAsync("/api/internal/auth/me");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Authorize_when_an_operator_calls_an_admin_route_returns_403_forbidden()
    {
        var (operatorClient, _) = await hosts.NewStaffAsync(StaffRole.Operator);

        var problem = await ProblemOf(() => operatorClient.ListStaffAsync());

        problem.Status.Should().Be(403);
        problem.Name.Should().Be("forbidden");
    }

    [Fact]
    public async Task Authenticate_when_the_staff_was_deactivated_refuses_its_token_at_once()
    {
        var (client, staff) = await hosts.NewStaffAsync();
        await client.GetCurrentStaffAsync();

        await (await hosts.AdminAsync()).UpdateStaffAsync(staff.Id, new UpdateStaffBody { Name = staff.Name, Role = staff.Role, IsActive = false });

        (await ProblemOf(() => client.GetCurrentStaffAsync())).Status.Should().Be(401);
        (await ProblemOf(() => hosts.InternalAs(staff.Email, "a-long-enough-password"))).Name.Should().Be("invalid-credentials");
    }
}
