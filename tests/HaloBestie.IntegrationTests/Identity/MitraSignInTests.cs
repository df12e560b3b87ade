using HaloBestie.Clients.Internal;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Identity;

public class MitraSignInTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private async Task<(MitraDetails Mitra, string Phone)> NewMitraAsync()
    {
        var phone = $"+62857{Random.Shared.Next(10_000_000, 99_999_999)}";
        var mitra = await (await hosts.AdminAsync()).RegisterMitraAsync(new RegisterMitra { FullName = "Rina Wati", PhoneNumber = phone, Alias = "Kak Rina", Bio = "Konselor" });
        return (mitra, phone);
    }

    private static string PhoneToken(string uid, string phone) => FirebaseTokens.Emulator(uid, "phone", phone: phone);

    [Fact]
    public async Task SignIn_when_first_by_phone_binds_the_account_and_later_ones_from_it_succeed()
    {
        var (mitra, phone) = await NewMitraAsync();
        var app = hosts.PublicAs(PhoneToken("uid-a-" + phone, phone));

        var me = await app.SignInMitraAsync();
        (await app.SignInMitraAsync()).Id.Should().Be(mitra.Id);

        me.Id.Should().Be(mitra.Id);
        me.Alias.Should().Be("Kak Rina");
        me.Capacity.Should().Be(3);
        (await app.GetMyMitraProfileAsync()).FullName.Should().Be("Rina Wati");
        (await (await hosts.AdminAsync()).GetMitraAsync(mitra.Id)).HasSignedIn.Should().BeTrue();
    }

    [Fact]
    public async Task SignIn_when_another_firebase_account_has_the_same_number_returns_not_a_mitra()
    {
        var (_, phone) = await NewMitraAsync();
        await hosts.PublicAs(PhoneToken("uid-first-" + phone, phone)).SignInMitraAsync();

        var problem = await ProblemOf(() => hosts.PublicAs(PhoneToken("uid-second-" + phone, phone)).SignInMitraAsync());

        problem.Should().BeEquivalentTo(new { Status = 403, Name = "not-a-mitra" }, o => o.ExcludingMissingMembers());
    }

    [Fact]
    public async Task SignIn_when_the_number_is_no_mitras_or_the_token_not_by_phone_returns_not_a_mitra()
    {
        (await ProblemOf(() => hosts.PublicAs(PhoneToken("uid-x", "+6285700000001")).SignInMitraAsync())).Name.Should().Be("not-a-mitra");

        var (_, phone) = await NewMitraAsync();
        var google = FirebaseTokens.Emulator("uid-g-" + phone, "google.com", phone: phone);
        (await ProblemOf(() => hosts.PublicAs(google).SignInMitraAsync())).Name.Should().Be("not-a-mitra");
    }

    [Fact]
    public async Task SignIn_when_the_mitra_is_inactive_returns_mitra_inactive_there_and_on_every_route()
    {
        var (mitra, phone) = await NewMitraAsync();
        var app = hosts.PublicAs(PhoneToken("uid-i-" + phone, phone));
        await app.SignInMitraAsync();

        await (await hosts.AdminAsync()).DeactivateMitraAsync(mitra.Id, new DeactivateMitraBody { Reason = "test" });

        (await ProblemOf(() => app.SignInMitraAsync())).Should().BeEquivalentTo(new { Status = 403, Name = "mitra-inactive" }, o => o.ExcludingMissingMembers());
        (await ProblemOf(() => app.GetMyMitraProfileAsync())).Name.Should().Be("mitra-inactive");

        var (other, otherPhone) = await NewMitraAsync();
        await (await hosts.AdminAsync()).DeactivateMitraAsync(other.Id, null);
        (await ProblemOf(() => hosts.PublicAs(PhoneToken("uid-j-" + otherPhone, otherPhone)).SignInMitraAsync())).Name.Should().Be("mitra-inactive");
    }
}
