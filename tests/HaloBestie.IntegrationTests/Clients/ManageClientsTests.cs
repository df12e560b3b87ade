using global::HaloBestie.Clients.Internal;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Clients;

public class ManageClientsTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private async Task<Guid> NewClientAsync(string name)
    {
        var app = hosts.PublicAs(FirebaseTokens.Emulator("uid-" + Guid.NewGuid().ToString("N"), "google.com", email: $"{Guid.NewGuid():N}@example.com"));
        var session = await app.SignInClientAsync();
        await app.SetDisplayNameAsync(new global::HaloBestie.Clients.Public.SetDisplayName { DisplayName = name });
        return session.Client.Id;
    }

    [Fact]
    public async Task ListClients_when_searching_by_name_finds_the_clients_and_each_can_be_read()
    {
        var (staff, _) = await hosts.NewStaffAsync();
        var marker = "Zq" + Random.Shared.Next(1000, 9999);
        var id = await NewClientAsync($"Sari {marker}");
        await NewClientAsync($"Sari {marker} Dua");

        var page = await staff.ListClientsAsync(marker.ToLowerInvariant(), null, 1, 1);
        page.Total.Should().Be(2);
        page.Items.Should().ContainSingle();

        var client = await staff.GetClientAsync(id);
        client.DisplayName.Should().Be($"Sari {marker}");
        client.IsRegistered.Should().BeTrue();
        client.Alias.Should().MatchRegex(@"^Bestie #\d{4}$");
        (await ProblemOf(() => staff.GetClientAsync(Guid.NewGuid()))).Name.Should().Be("not-found");
    }

    [Fact]
    public async Task SignIn_when_the_client_is_suspended_still_works_and_the_suspension_is_audited()
    {
        var (staff, me) = await hosts.NewStaffAsync();
        var uid = "uid-" + Guid.NewGuid().ToString("N");
        var app = hosts.PublicAs(FirebaseTokens.Emulator(uid, "google.com"));
        var id = (await app.SignInClientAsync()).Client.Id;

        var suspended = await staff.SuspendClientAsync(id, new SuspendClientBody { Reason = "abusive messages" });
        suspended.Status.Should().Be(ClientStatus.Suspended);
        (await app.SignInClientAsync()).Client.Status.Should().Be(global::HaloBestie.Clients.Public.ClientStatus.Suspended);
        (await app.GetMyClientProfileAsync()).Status.Should().Be(global::HaloBestie.Clients.Public.ClientStatus.Suspended);
        (await staff.ListClientsAsync(null, "suspended", null, null)).Items.Should().Contain(c => c.Id == id);

        (await staff.ReinstateClientAsync(id, new ReinstateClientBody { Reason = "appeal accepted" })).Status.Should().Be(ClientStatus.Active);

        var audit = await staff.ListAuditEntriesAsync(me.Id, null, null, null, null);
        audit.Items.Select(e => (e.Action, e.Detail)).Should().Equal(("client.reinstated", "appeal accepted"), ("client.suspended", "abusive messages"));
    }

    [Fact]
    public async Task Suspend_closes_the_clients_open_streams_so_its_app_reloads_its_state()
    {
        var (staff, _) = await hosts.NewStaffAsync();
        var token = hosts.EmulatorToken("uid-" + Guid.NewGuid().ToString("N"), "google.com", email: $"{Guid.NewGuid():N}@example.com");
        var id = (await hosts.PublicAs(token).SignInClientAsync()).Client.Id;
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/client/events", token);

        await staff.SuspendClientAsync(id, new SuspendClientBody { Reason = "abusive messages" });

        (await stream.NextAsync()).Should().BeNull("the stream of a suspended client is closed; the app reconnects and reads its status");
    }

    [Fact]
    public async Task Suspend_when_no_reason_is_given_returns_400_and_for_an_unknown_client_404()
    {
        var (staff, _) = await hosts.NewStaffAsync();
        var id = await NewClientAsync("Tanpa Alasan");

        (await ProblemOf(() => staff.SuspendClientAsync(id, new SuspendClientBody { Reason = " " }))).Errors.Should().ContainKey("reason");
        (await ProblemOf(() => staff.SuspendClientAsync(Guid.NewGuid(), new SuspendClientBody { Reason = "x" }))).Status.Should().Be(404);
    }
}
