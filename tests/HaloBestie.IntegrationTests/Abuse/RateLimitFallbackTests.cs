using System.Net;
using System.Net.Http.Headers;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HaloBestie.IntegrationTests.Abuse;

/// <summary>
/// Hosts whose every rate limit is 3 requests an hour, over the shared PostgreSQL and a
/// redis-server of their own (scripts/lib/services.sh), so a test can stop it or make it read-only
/// without disturbing the other test classes; and a second public instance over the same two.
/// </summary>
public sealed class RateLimitFaultsFixture : HostsFixture
{
    private readonly string _dir = Directory.CreateTempSubdirectory("halobestie-limits-").FullName;
    private string _valkeyPort = "";
    private WebApplicationFactory<Api.Public.Program>? _second;

    private string ValkeyDir => Path.Combine(_dir, "valkey");

    protected override IReadOnlyDictionary<string, string> RateLimitSettings =>
        RateLimitsOf(RateLimitedHostsFixture.Permits, RateLimitedHostsFixture.WindowSeconds);

    public WebApplicationFactory<Api.Public.Program> SecondPublic => _second ??= AnotherPublicHost();

    protected override async Task<TestServers> ServersAsync()
    {
        var shared = await TestServers.Instance;
        _valkeyPort = await TestServers.Services("free-port");
        return TestServers.Of(shared.Postgres, await TestServers.Services("start-redis", ValkeyDir, _valkeyPort));
    }

    public Task StopValkeyAsync() => TestServers.Services("stop", ValkeyDir);

    public Task StartValkeyAsync() => TestServers.Services("start-redis", ValkeyDir, _valkeyPort);

    protected override async Task CleanUpAsync()
    {
        await base.CleanUpAsync();
        await TestServers.Services("purge", ValkeyDir);
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>
/// When Valkey cannot count the shared limits (ADR 0028), each instance counts them in its own
/// memory, as all limits were counted before: no request is let through unlimited, none answers
/// 500, and the counting is shared again once Valkey answers.
/// </summary>
public class RateLimitFallbackTests(RateLimitFaultsFixture hosts) : IClassFixture<RateLimitFaultsFixture>
{
    private const int Permits = RateLimitedHostsFixture.Permits;

    [Theory]
    [InlineData("stopped")]
    [InlineData("read-only")]
    public async Task SignIn_when_valkey_cannot_answer_falls_back_to_each_instances_own_limit_then_shares_again(string fault)
    {
        using var first = hosts.Public.CreateClient();
        using var second = hosts.SecondPublic.CreateClient();
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(hosts.Servers.Valkey + ",allowAdmin=true");
        (await SignInAsync(first, Token())).StatusCode.Should().Be(HttpStatusCode.OK, "both instances are up and Valkey answers");
        (await SignInAsync(second, Token())).StatusCode.Should().Be(HttpStatusCode.OK);

        if (fault == "stopped")
            await hosts.StopValkeyAsync();
        else
            await admin.GetDatabase().ExecuteAsync("REPLICAOF", "127.0.0.1", "1"); // what a Memorystore failover leaves behind
        try
        {
            // Each instance now counts on its own: Permits on each, then its own refusal.
            var caller = Token();
            foreach (var http in new[] { first, second })
            {
                for (var i = 0; i < Permits; i++)
                    (await SignInAsync(http, caller)).StatusCode.Should().Be(HttpStatusCode.OK, $"request {i + 1} on this instance is within its own limit");
                await RateLimitTests.ShouldBeRateLimitedAsync(await SignInAsync(http, caller));
            }
        }
        finally
        {
            if (fault == "stopped")
                await hosts.StartValkeyAsync();
            else
                await admin.GetDatabase().ExecuteAsync("REPLICAOF", "NO", "ONE");
        }

        // Shared again once Valkey answers (the hosts reconnect on their own, then ask Valkey again
        // a second after its last failure): Permits in total across both instances.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var again = Token();
            var answers = new List<HttpStatusCode>();
            for (var i = 0; i <= Permits; i++)
                answers.Add((await SignInAsync(i % 2 == 0 ? first : second, again)).StatusCode);
            if (answers.SequenceEqual(Enumerable.Repeat(HttpStatusCode.OK, Permits).Append(HttpStatusCode.TooManyRequests)))
                break;
            answers.Should().NotContain(HttpStatusCode.InternalServerError);
            DateTime.UtcNow.Should().BeBefore(deadline, $"the limit is shared again once Valkey answers (last answers: {string.Join(", ", answers)})");
            await Task.Delay(500);
        }
    }

    private static string Token() =>
        FirebaseTokens.Emulator("rlf-" + Guid.NewGuid().ToString("N"), "google.com", email: $"{Guid.NewGuid():N}@example.com");

    private static Task<HttpResponseMessage> SignInAsync(HttpClient http, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/client/auth/session");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request);
    }
}
