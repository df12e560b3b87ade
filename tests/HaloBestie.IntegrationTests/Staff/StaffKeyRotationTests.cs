using System.Net;
using System.Net.Http.Headers;
using HaloBestie.Clients.Internal;
using HaloBestie.Infrastructure;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace HaloBestie.IntegrationTests.Staff;

/// <summary>
/// Rotating the staff signing key (issue 21 item 8, docs/operations.md): with the old key as
/// <c>ControlCenter:PreviousTokenSigningKey</c> and a new one current, tokens signed before keep
/// working until they expire and new ones are signed with the new key; once the previous key is
/// removed, the old tokens are refused.
/// </summary>
public sealed class StaffKeyRotationTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private const string NewKey = "the-rotated-staff-signing-key-0123456789abcdef";

    private WebApplicationFactory<Api.Internal.Program> InternalWith(string current, string? previous) =>
        hosts.Internal.WithWebHostBuilder(b =>
        {
            b.UseSetting(StaffTokenOptions.SigningKeyKey, current);
            b.UseSetting(StaffTokenOptions.PreviousSigningKeyKey, previous ?? "");
        });

    private static async Task<HttpStatusCode> CurrentStaffAsync(WebApplicationFactory<Api.Internal.Program> host, string token)
    {
        using var http = host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.GetAsync("/api/internal/auth/me");
        return response.StatusCode;
    }

    [Fact]
    public async Task Rotation_accepts_tokens_of_the_previous_key_signs_with_the_new_one_and_refuses_the_old_once_it_is_removed()
    {
        var before = await hosts.AnonymousInternal().LogInAsync(new LogIn { Email = HostsFixture.AdminEmail, Password = HostsFixture.AdminPassword });
        await using var rotating = InternalWith(NewKey, HostsFixture.SigningKey);
        await using var rotated = InternalWith(NewKey, previous: null);

        (await CurrentStaffAsync(rotating, before.AccessToken)).Should().Be(HttpStatusCode.OK, "a token of the previous key works until it expires");
        var after = await new InternalApiClient(rotating.CreateClient()).LogInAsync(new LogIn { Email = HostsFixture.AdminEmail, Password = HostsFixture.AdminPassword });
        (await CurrentStaffAsync(rotated, after.AccessToken)).Should().Be(HttpStatusCode.OK, "new tokens are signed with the new key");
        (await CurrentStaffAsync(hosts.Internal, after.AccessToken)).Should().Be(HttpStatusCode.Unauthorized, "the new key's tokens mean nothing to a host that does not have it");
        (await CurrentStaffAsync(rotated, before.AccessToken)).Should().Be(HttpStatusCode.Unauthorized, "once the previous key is removed its tokens are refused");
    }

    [Theory]
    [InlineData("too-short")]
    [InlineData(HostsFixture.SigningKey)]
    public void Start_when_the_previous_key_is_short_or_the_current_one_is_refused(string previous)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([
            KeyValuePair.Create<string, string?>(StaffTokenOptions.SigningKeyKey, HostsFixture.SigningKey),
            KeyValuePair.Create<string, string?>(StaffTokenOptions.PreviousSigningKeyKey, previous)]).Build();

        var read = () => StaffTokenOptions.From(configuration);

        read.Should().Throw<StartupRefusedException>().WithMessage("*ControlCenter__PreviousTokenSigningKey*");
    }
}
