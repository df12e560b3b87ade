using global::HaloBestie.Clients.Public;
using HaloBestie.Domain.Clients;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Clients;

public class ClientSignInTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private static string NewUid() => "uid-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Register_when_a_named_guest_registers_with_google_keeps_its_client_id()
    {
        var uid = NewUid();
        var guest = hosts.PublicAs(FirebaseTokens.Emulator(uid));

        var first = await guest.SignInClientAsync();
        first.NeedsDisplayName.Should().BeTrue();
        first.MustRegister.Should().BeTrue();

        await guest.SetDisplayNameAsync(new SetDisplayName { DisplayName = "  Putri   Ayu " });
        var again = await guest.SignInClientAsync();
        again.NeedsDisplayName.Should().BeFalse();
        again.MustRegister.Should().BeTrue("a guest must register before pairing");
        again.Client.DisplayName.Should().Be("Putri Ayu");

        (await ProblemOf(() => guest.RegisterClientAsync())).Should().BeEquivalentTo(new { Status = 409, Name = "conflict" }, o => o.ExcludingMissingMembers());

        var linked = hosts.PublicAs(FirebaseTokens.Emulator(uid, "google.com", email: "putri@example.com"));
        var registered = await linked.RegisterClientAsync();
        registered.IsRegistered.Should().BeTrue();
        registered.Id.Should().Be(first.Client.Id);
        (await linked.SignInClientAsync()).MustRegister.Should().BeFalse();
        (await linked.GetMyClientProfileAsync()).Id.Should().Be(first.Client.Id);
    }

    [Fact]
    public async Task SignIn_when_first_with_a_non_anonymous_token_registers_at_once()
    {
        var result = await hosts.PublicAs(FirebaseTokens.Emulator(NewUid(), "apple.com")).SignInClientAsync();

        result.MustRegister.Should().BeFalse();
        result.Client.IsRegistered.Should().BeTrue();
    }

    [Fact]
    public async Task SignIn_when_twenty_first_sign_ins_of_one_uid_race_creates_exactly_one_client()
    {
        var uid = NewUid();
        var token = FirebaseTokens.Emulator(uid);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => hosts.PublicAs(token).SignInClientAsync()));

        results.Select(r => r.Client.Id).Distinct().Should().ContainSingle();
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        (await session.Query<Client>().CountAsync(c => c.FirebaseUid == uid)).Should().Be(1);
        (await session.Events.QueryRawEventDataOnly<ClientSignedUp>().CountAsync(e => e.FirebaseUid == uid)).Should().Be(1);
    }

    public static TheoryData<string> InvalidNames =>
        ["", "   ", "ab", " a\u00a0 ", new string('x', 31), "Budi\u0007", "Tab\tbed\u0000", "Tab\tbed", "New\nline", "Budi\r\nSantoso", "Smile 😊", "<script>", "Ana@home"];

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public async Task SetDisplayName_when_the_name_is_invalid_returns_400_validation(string name)
    {
        var client = hosts.PublicAs(FirebaseTokens.Emulator(NewUid()));
        await client.SignInClientAsync();

        var problem = await ProblemOf(() => client.SetDisplayNameAsync(new SetDisplayName { DisplayName = name }));

        problem.Status.Should().Be(400);
        problem.Name.Should().Be("validation");
        problem.Errors.Should().ContainKey("displayName");
    }

    [Theory]
    [InlineData("Putri Ayu", "Putri Ayu")]
    [InlineData("  Budi_123  ", "Budi_123")]
    [InlineData("Putri\u00a0\u2003Ayu", "Putri Ayu")]
    [InlineData("Dewi.S-99", "Dewi.S-99")]
    [InlineData("José María", "José María")]
    [InlineData("Nguyễn Thị Hà", "Nguyễn Thị Hà")]
    [InlineData("abc", "abc")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    public async Task SetDisplayName_when_the_name_is_valid_stores_it_trimmed(string name, string stored)
    {
        var client = hosts.PublicAs(FirebaseTokens.Emulator(NewUid()));
        await client.SignInClientAsync();

        (await client.SetDisplayNameAsync(new SetDisplayName { DisplayName = name })).DisplayName.Should().Be(stored);
    }

    [Fact]
    public async Task GetProfile_when_not_signed_in_yet_returns_403()
    {
        var problem = await ProblemOf(() => hosts.PublicAs(FirebaseTokens.Emulator(NewUid())).GetMyClientProfileAsync());

        problem.Should().BeEquivalentTo(new { Status = 403, Name = "forbidden" }, o => o.ExcludingMissingMembers());
    }

    [Fact]
    public async Task Authenticate_when_the_token_is_missing_or_of_another_project_returns_401()
    {
        (await ProblemOf(() => hosts.AnonymousPublic().GetMyClientProfileAsync())).Status.Should().Be(401);

        var claims = FirebaseTokens.Claims(NewUid(), "anonymous");
        claims["aud"] = "someone-elses-project";
        (await ProblemOf(() => hosts.PublicAs(FirebaseTokens.WithoutSignature(claims)).SignInClientAsync())).Status.Should().Be(401);
    }

    [Fact]
    public async Task Authorize_when_a_mitra_calls_client_routes_or_a_client_mitra_routes_returns_403()
    {
        var (mitra, _, _, _) = await hosts.NewSignedInMitraAsync();
        (await ProblemOf(() => mitra.SignInClientAsync())).Status.Should().Be(403);
        (await ProblemOf(() => mitra.GetMyClientProfileAsync())).Status.Should().Be(403);
        (await ProblemOf(() => mitra.SetDisplayNameAsync(new SetDisplayName { DisplayName = "Mitra Nama" }))).Status.Should().Be(403);

        var client = hosts.PublicAs(FirebaseTokens.Emulator(NewUid(), "google.com"));
        await client.SignInClientAsync();
        var problem = await ProblemOf(() => client.GetMyMitraProfileAsync());
        problem.Should().BeEquivalentTo(new { Status = 403, Name = "not-a-mitra" }, o => o.ExcludingMissingMembers());
    }
}
