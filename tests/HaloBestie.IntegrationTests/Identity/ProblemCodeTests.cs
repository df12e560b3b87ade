using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Identity;

/// <summary>
/// One problem <c>type</c> with several causes carries a stable <c>code</c> (issue 20,
/// docs/authentication.md "Problem codes"): an app branches on it, never on the detail text.
/// </summary>
public class ProblemCodeTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Forbidden_when_its_causes_differ_says_which_in_its_code()
    {
        var (mitra, mitraToken, _) = await hosts.NewOnlineMitraAsync();
        var stranger = hosts.PublicAs(hosts.EmulatorToken("client-" + Guid.NewGuid().ToString("N"), "google.com", email: $"{Guid.NewGuid():N}@example.com"));
        var (offline, _, _, _) = await hosts.NewSignedInMitraAsync();
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var request = await client.RequestPairingAsync(new RequestPairing());

        var notSignedIn = await ProblemOf(() => stranger.GetMyClientProfileAsync());
        var mitraOnClientRoute = await ProblemOf(() => hosts.PublicAs(mitraToken).GetMyEntitlementsAsync());
        var acceptWhileOffline = await ProblemOf(() => offline.AcceptPairingRequestAsync(request.Id));
        var heartbeatWhileOffline = await ProblemOf(() => offline.RecordHeartbeatAsync());

        (notSignedIn.Name, notSignedIn.Extensions!["code"]).Should().Be(("forbidden", "session-required"));
        (mitraOnClientRoute.Name, mitraOnClientRoute.Extensions!["code"]).Should().Be(("forbidden", "mitra-account"));
        (acceptWhileOffline.Name, acceptWhileOffline.Extensions!["code"]).Should().Be(("forbidden", "mitra-offline"));
        (heartbeatWhileOffline.Name, heartbeatWhileOffline.Extensions!["code"]).Should().Be(("conflict", "mitra-offline"));
        await mitra.AcceptPairingRequestAsync(request.Id);
    }
}
