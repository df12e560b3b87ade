using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HaloBestie.Application.Devices;
using HaloBestie.Domain;
using HaloBestie.Domain.Devices;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;

namespace HaloBestie.IntegrationTests.Push;

/// <summary>The installations push can reach (issue 16 item 1, PRODUCT.md §10): one row per installation, a token in one place only.</summary>
public class DeviceRegistryTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private static string NewId() => "inst-" + Guid.NewGuid().ToString("N");

    private static string NewToken() => "fcm:" + Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "_APA91b";

    private async Task<(int Status, JsonElement Body)> CallAsync(HttpMethod method, string party, string token, string installationId, object? body = null)
    {
        using var http = hosts.Public.CreateClient();
        using var request = new HttpRequestMessage(method, $"/api/{party}/devices/{Uri.EscapeDataString(installationId)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation("Accept-Language", "en");
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<Device?> StoredAsync(string installationId)
    {
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        return await session.LoadAsync<Device>(installationId);
    }

    private async Task<IReadOnlyList<Device>> HoldingAsync(string fcmToken)
    {
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        return await session.Query<Device>().Where(d => d.FcmToken == fcmToken).ToListAsync();
    }

    [Fact]
    public async Task Register_when_the_installation_registers_again_replaces_its_token_and_keeps_one_row()
    {
        var (_, clientToken, clientId) = await hosts.NewRegisteredClientAsync();
        var installation = NewId();
        string first = NewToken(), second = NewToken();

        var registered = await CallAsync(HttpMethod.Put, "client", clientToken, installation, new { fcmToken = first, platform = "android" });
        var again = await CallAsync(HttpMethod.Put, "client", clientToken, installation, new { fcmToken = second, platform = "android" });

        registered.Status.Should().Be(200);
        registered.Body.GetProperty("installationId").GetString().Should().Be(installation);
        registered.Body.TryGetProperty("fcmToken", out _).Should().BeFalse("the token is not echoed");
        again.Status.Should().Be(200);
        again.Body.GetProperty("registeredAt").GetDateTimeOffset().Should().Be(registered.Body.GetProperty("registeredAt").GetDateTimeOffset());
        var stored = await StoredAsync(installation);
        stored.Should().BeEquivalentTo(new { OwnerKind = DeviceOwners.Client, OwnerId = clientId, FcmToken = second, Platform = DevicePlatforms.Android });
        (await HoldingAsync(first)).Should().BeEmpty();
    }

    [Fact]
    public async Task Register_when_a_token_or_an_installation_was_another_accounts_moves_it_to_the_caller()
    {
        var (_, clientA, _) = await hosts.NewRegisteredClientAsync();
        var (_, clientB, clientBId) = await hosts.NewRegisteredClientAsync();
        var (_, mitraToken, mitraId) = await hosts.NewOnlineMitraAsync();
        var token = NewToken();
        string phoneOfA = NewId(), phoneOfB = NewId();

        (await CallAsync(HttpMethod.Put, "client", clientA, phoneOfA, new { fcmToken = token, platform = "ios" })).Status.Should().Be(200);
        (await CallAsync(HttpMethod.Put, "client", clientB, phoneOfB, new { fcmToken = token, platform = "ios" })).Status.Should().Be(200);

        (await HoldingAsync(token)).Should().ContainSingle().Which.Should().BeEquivalentTo(new { Id = phoneOfB, OwnerId = clientBId });
        (await StoredAsync(phoneOfA)).Should().BeNull("a token reaches one installation only");

        // The mitra signs in on B's phone: the installation is the mitra's now, registered anew.
        (await CallAsync(HttpMethod.Put, "mitra", mitraToken, phoneOfB, new { fcmToken = token, platform = "ios" })).Status.Should().Be(200);
        (await StoredAsync(phoneOfB)).Should().BeEquivalentTo(new { OwnerKind = DeviceOwners.Mitra, OwnerId = mitraId });
    }

    [Fact]
    public async Task Register_when_ten_installations_race_for_one_token_leaves_it_with_exactly_one()
    {
        var (_, clientToken, _) = await hosts.NewRegisteredClientAsync();
        var token = NewToken();
        var installations = Enumerable.Range(0, 10).Select(_ => NewId()).ToArray();

        var answers = await Task.WhenAll(installations.Select(i => CallAsync(HttpMethod.Put, "client", clientToken, i, new { fcmToken = token, platform = "android" })));

        answers.Select(a => a.Status).Should().AllBeEquivalentTo(200);
        (await HoldingAsync(token)).Should().ContainSingle().Which.Id.Should().BeOneOf(installations);
    }

    [Fact]
    public async Task Unregister_removes_the_callers_installation_and_never_another_accounts()
    {
        var (_, clientA, _) = await hosts.NewRegisteredClientAsync();
        var (_, clientB, _) = await hosts.NewRegisteredClientAsync();
        string phoneOfA = NewId(), phoneOfB = NewId();
        await CallAsync(HttpMethod.Put, "client", clientA, phoneOfA, new { fcmToken = NewToken(), platform = "android" });
        await CallAsync(HttpMethod.Put, "client", clientB, phoneOfB, new { fcmToken = NewToken(), platform = "android" });

        (await CallAsync(HttpMethod.Delete, "client", clientA, phoneOfB)).Status.Should().Be(204);
        (await CallAsync(HttpMethod.Delete, "client", clientA, phoneOfA)).Status.Should().Be(204);
        (await CallAsync(HttpMethod.Delete, "client", clientA, phoneOfA)).Status.Should().Be(204, "signing out twice is fine");

        (await StoredAsync(phoneOfA)).Should().BeNull();
        (await StoredAsync(phoneOfB)).Should().NotBeNull("another account's installation is untouched");
    }

    [Theory]
    [InlineData("inst-ok", "token with spaces", "android", "fcmToken", ValidationCodes.FcmTokenFormat)]
    [InlineData("inst-ok", "", "android", "fcmToken", ValidationCodes.FcmTokenFormat)]
    [InlineData("inst-ok", "fcm-token", "windows", "platform", ValidationCodes.UnknownValue)]
    [InlineData("inst\u00e9", "fcm-token", "ios", "installationId", ValidationCodes.InstallationIdFormat)]
    public async Task Register_when_a_field_is_not_valid_returns_400_with_its_code(string installation, string fcmToken, string platform, string field, string code)
    {
        var (_, clientToken, _) = await hosts.NewRegisteredClientAsync();

        var answer = await CallAsync(HttpMethod.Put, "client", clientToken, installation, new { fcmToken, platform });

        answer.Status.Should().Be(400);
        answer.Body.GetProperty("errorCodes").GetProperty(field).EnumerateArray().Select(e => e.GetString()).Should().Contain(code);
    }

    [Fact]
    public async Task StaleDevices_drops_installations_not_registered_for_sixty_days()
    {
        var (_, clientToken, clientId) = await hosts.NewRegisteredClientAsync();
        var fresh = NewId();
        var old = new Device(NewId(), DeviceOwners.Client, clientId, NewToken(), DevicePlatforms.Android,
            DateTimeOffset.UtcNow.AddDays(-100), DateTimeOffset.UtcNow.AddDays(-61));
        await using (var session = hosts.Service<IDocumentStore>().LightweightSession())
        {
            session.Store(old);
            await session.SaveChangesAsync();
        }
        await CallAsync(HttpMethod.Put, "client", clientToken, fresh, new { fcmToken = NewToken(), platform = "android" });

        var dropped = await hosts.Service<StaleDevices>().DropAsync(CancellationToken.None);

        dropped.Should().BeGreaterThanOrEqualTo(1);
        (await StoredAsync(old.Id)).Should().BeNull();
        (await StoredAsync(fresh)).Should().NotBeNull();
    }
}
