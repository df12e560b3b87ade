using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HaloBestie.Clients.Internal;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Mitras;

public class RegisterMitraTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private static int _phone = 10_000_000;

    /// <summary>A valid Indonesian mobile number nobody in this class has used.</summary>
    public static string NewPhone() => $"+62812{Interlocked.Increment(ref _phone):D8}";

    public static RegisterMitra NewMitra(string? phone = null, string fullName = "Siti Rahma") => new()
    {
        FullName = fullName,
        PhoneNumber = phone ?? NewPhone(),
        Alias = "Bestie Siti",
        Bio = "Psikolog klinis",
        Specialties = ["anxiety", "relationships"],
    };

    [Fact]
    public async Task Register_when_the_mitra_is_valid_returns_201_with_the_phone_number_in_E164()
    {
        var (client, _) = await hosts.NewStaffAsync();

        var mitra = await client.RegisterMitraAsync(NewMitra("0812-9876-5432"));

        mitra.PhoneNumber.Should().Be("+6281298765432");
        mitra.IsActive.Should().BeTrue();
        (await client.GetMitraAsync(mitra.Id)).Should().BeEquivalentTo(mitra);
    }

    [Fact]
    public async Task Register_when_phone_name_and_bio_are_invalid_returns_400_naming_each_field()
    {
        var (client, _) = await hosts.NewStaffAsync();

        var problem = await ProblemOf(() => client.RegisterMitraAsync(new RegisterMitra
        {
            FullName = "",
            PhoneNumber = "12-abc",
            Alias = "Bestie",
            Bio = new string('x', 10_000),
        }));

        problem.Status.Should().Be(400);
        problem.Name.Should().Be("validation");
        problem.Errors.Keys.Should().BeEquivalentTo("fullName", "phoneNumber", "bio");
    }

    [Fact]
    public async Task Register_when_the_phone_number_is_used_in_any_format_returns_409()
    {
        var (client, _) = await hosts.NewStaffAsync();
        await client.RegisterMitraAsync(NewMitra("+6281311112222"));

        var problem = await ProblemOf(() => client.RegisterMitraAsync(NewMitra("0813 1111 2222")));

        problem.Should().BeEquivalentTo(new { Status = 409, Name = "conflict" }, o => o.ExcludingMissingMembers());
    }

    [Fact]
    public async Task Register_when_ten_race_for_one_phone_number_creates_exactly_one_mitra()
    {
        var (client, _) = await hosts.NewStaffAsync();
        var phone = NewPhone();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            try
            {
                await client.RegisterMitraAsync(NewMitra(phone));
                return 201;
            }
            catch (ApiException e)
            {
                return e.StatusCode;
            }
        }));

        attempts.Count(s => s == 201).Should().Be(1);
        attempts.Where(s => s != 201).Should().OnlyContain(s => s == 409);
        (await client.ListMitrasAsync(phone, null, null, null, null)).Total.Should().Be(1);
    }

    [Theory]
    [InlineData("{\"fullName\":")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"fullName\":42,\"phoneNumber\":true,\"alias\":null}")]
    [InlineData("null")]
    public async Task Register_when_the_body_is_malformed_returns_400_validation(string body)
    {
        using var http = hosts.Internal.CreateClient();
        http.DefaultRequestHeaders.Authorization = await AdminBearer();

        using var response = await http.PostAsync("/api/internal/mitras", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        Parse(400, await response.Content.ReadAsStringAsync()).Name.Should().Be("validation");
    }

    private async Task<AuthenticationHeaderValue> AdminBearer()
    {
        var login = await hosts.AnonymousInternal().LogInAsync(new LogIn { Email = HostsFixture.AdminEmail, Password = HostsFixture.AdminPassword });
        return new AuthenticationHeaderValue("Bearer", login.AccessToken);
    }
}
