using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using HaloBestie.Infrastructure;
using HaloBestie.Infrastructure.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HaloBestie.IntegrationTests.Abuse;

/// <summary>Hosts whose every rate limit is 3 requests, refilled one per 20 minutes: the 4th request of a caller is refused.</summary>
public sealed class RateLimitedHostsFixture : HostsFixture
{
    public const int Permits = 3;
    public const int WindowSeconds = 3600;

    protected override IReadOnlyDictionary<string, string> RateLimitSettings => RateLimitsOf(Permits, WindowSeconds);

    private WebApplicationFactory<Api.Public.Program>? _second;

    /// <summary>A second public instance over the same PostgreSQL schema and Valkey prefix, as in a scaled deployment.</summary>
    public WebApplicationFactory<Api.Public.Program> SecondPublic => _second ??= AnotherPublicHost();
}

/// <summary>
/// Each limited route (docs/operations.md#rate-limits) refuses a caller past its limit with 429
/// <c>rate-limited</c>, a problem body and <c>Retry-After</c> in whole seconds, and another caller
/// is unaffected. Every test uses callers (Firebase UIDs, addresses, emails) of its own.
/// </summary>
public class RateLimitTests(RateLimitedHostsFixture hosts) : IClassFixture<RateLimitedHostsFixture>
{
    // One permit every WindowSeconds / Permits: the wait a refusal announces.
    private const int RefillSeconds = RateLimitedHostsFixture.WindowSeconds / RateLimitedHostsFixture.Permits;

    [Theory]
    [InlineData("/api/client/auth/session", "google.com")]
    [InlineData("/api/client/auth/register", "google.com")]
    [InlineData("/api/mitra/auth/session", "phone")]
    public async Task SignIn_when_one_firebase_uid_is_over_the_limit_returns_429_to_that_uid_only(string route, string provider)
    {
        using var http = hosts.Public.CreateClient();
        var caller = Token(provider);

        for (var i = 0; i < RateLimitedHostsFixture.Permits; i++)
            (await PostAsync(http, route, caller)).StatusCode.Should().NotBe(HttpStatusCode.TooManyRequests, $"request {i + 1} is within the limit");
        await ShouldBeRateLimitedAsync(await PostAsync(http, route, caller));

        (await PostAsync(http, route, Token(provider))).StatusCode.Should().NotBe(HttpStatusCode.TooManyRequests, "another Firebase UID has its own limit");
    }

    [Theory]
    [InlineData("/api/client/auth/session", "google.com", null, HttpStatusCode.OK)]
    [InlineData("/api/mitra/auth/session", "phone", null, HttpStatusCode.Forbidden)] // no mitra registered with that phone
    [InlineData("/api/client/pairing-requests", "anonymous", "{}", HttpStatusCode.Forbidden)] // a guest: registration-required, counted all the same
    [InlineData("/api/client/payments", "google.com", "{\"packageId\":\"0198f7d2-0000-7000-8000-000000000001\"}", HttpStatusCode.NotFound)]
    public async Task Shared_limit_when_requests_alternate_between_two_instances_refuses_past_the_limit_in_total(
        string route, string provider, string? body, HttpStatusCode within)
    {
        using var first = hosts.Public.CreateClient();
        using var second = hosts.SecondPublic.CreateClient();
        var caller = Token(provider);
        if (route.StartsWith("/api/client/", StringComparison.Ordinal) && !route.Contains("/auth/", StringComparison.Ordinal))
            (await PostAsync(first, "/api/client/auth/session", caller)).StatusCode.Should().Be(HttpStatusCode.OK);

        // Per instance, each would allow Permits (2 × Permits in all); shared, the total is Permits.
        for (var i = 0; i < RateLimitedHostsFixture.Permits; i++)
            (await PostAsync(i % 2 == 0 ? first : second, route, caller, body)).StatusCode.Should().Be(within, $"request {i + 1} is within the limit");
        await ShouldBeRateLimitedAsync(await PostAsync(RateLimitedHostsFixture.Permits % 2 == 0 ? first : second, route, caller, body));
        await ShouldBeRateLimitedAsync(await PostAsync(RateLimitedHostsFixture.Permits % 2 == 0 ? second : first, route, caller, body));

        var other = Token(provider);
        if (route.StartsWith("/api/client/", StringComparison.Ordinal) && !route.Contains("/auth/", StringComparison.Ordinal))
            (await PostAsync(second, "/api/client/auth/session", other)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await PostAsync(second, route, other, body)).StatusCode.Should().Be(within, "another caller has its own count");
    }

    [Fact]
    public async Task Shared_limit_refills_one_permit_every_window_over_permits_and_its_key_expires_when_full()
    {
        var limits = hosts.Public.Services.GetRequiredService<SharedRateLimits>();
        var caller = "uid:refill-" + Guid.NewGuid().ToString("N");
        var twoPerSecond = new RateLimit(2, 1);

        (await limits.TryTakeAsync("Test", caller, twoPerSecond))!.Value.Allowed.Should().BeTrue();
        (await limits.TryTakeAsync("Test", caller, twoPerSecond))!.Value.Allowed.Should().BeTrue();
        var refused = (await limits.TryTakeAsync("Test", caller, twoPerSecond))!.Value;
        refused.Allowed.Should().BeFalse("a burst of 2");
        refused.RetryAfter.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMilliseconds(500), "one permit every 0.5 s");

        await using var valkey = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(hosts.Servers.Valkey);
        var key = hosts.KeyPrefix + SharedRateLimits.KeyOf("Test", caller).ToString();
        key.Should().NotContain("refill-", "the key names no account");
        var ttl = await valkey.GetDatabase().KeyTimeToLiveAsync(key);
        ttl.Should().NotBeNull().And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(1), "the key vanishes when the bucket is full again");

        await Task.Delay(refused.RetryAfter + TimeSpan.FromMilliseconds(50));
        (await limits.TryTakeAsync("Test", caller, twoPerSecond))!.Value.Allowed.Should().BeTrue("one permit came back");
        (await limits.TryTakeAsync("Test", caller, twoPerSecond))!.Value.Allowed.Should().BeFalse("only one");
    }

    [Fact]
    public async Task Shared_limiter_is_not_idle_while_asking_Valkey_and_survives_being_disposed_meanwhile()
    {
        // The middleware's partitioned limiter disposes a partition idle for 10 s; a full bucket
        // looks idle, so a caller's request after a quiet spell could find its limiter disposed
        // while Valkey answered: ObjectDisposedException, a 500 (the soak of issue 21).
        var limits = hosts.Public.Services.GetRequiredService<SharedRateLimits>();
        var limiter = limits.LimiterFor("Test", "uid:disposed-" + Guid.NewGuid().ToString("N"), new RateLimit(5, 60));
        limiter.IdleDuration.Should().NotBeNull("a full bucket with nothing in flight is idle");

        var pending = limiter.AcquireAsync(1);
        limiter.IdleDuration.Should().BeNull("a request is asking Valkey");
        limiter.Dispose(); // what the partitioned limiter does when it took it for idle all the same
        using var lease = await pending;
        lease.IsAcquired.Should().BeTrue("Valkey granted it");
    }

    [Theory]
    [InlineData(7, 60)] // one permit every 8.571428… s: rounded to whole microseconds
    [InlineData(3, 3600)]
    [InlineData(10, 3)]
    public async Task Shared_limit_allows_a_burst_of_exactly_the_permit_limit(int permits, int windowSeconds)
    {
        var limits = hosts.Public.Services.GetRequiredService<SharedRateLimits>();
        var caller = "uid:burst-" + Guid.NewGuid().ToString("N");
        var limit = new RateLimit(permits, windowSeconds);

        for (var i = 0; i < permits; i++)
            (await limits.TryTakeAsync("Test", caller, limit))!.Value.Allowed.Should().BeTrue($"request {i + 1} of a burst of {permits}");
        var refused = (await limits.TryTakeAsync("Test", caller, limit))!.Value;
        refused.Allowed.Should().BeFalse();
        refused.RetryAfter.Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds((double)windowSeconds / permits));
    }

    [Fact]
    public async Task Messages_limit_stays_per_instance_so_each_instance_counts_its_own()
    {
        // Kept per instance on purpose (ADR 0028): each instance refuses its own Permits + 1st.
        // The typing route is limited by the same policy and needs no session to be counted.
        using var first = hosts.Public.CreateClient();
        using var second = hosts.SecondPublic.CreateClient();
        var caller = Token("google.com");
        (await PostAsync(first, "/api/client/auth/session", caller)).StatusCode.Should().Be(HttpStatusCode.OK);
        var route = $"/api/client/sessions/{Guid.NewGuid()}/typing"; // no such session: 404, counted all the same

        for (var i = 0; i < 2 * RateLimitedHostsFixture.Permits; i++)
            (await PostAsync(i % 2 == 0 ? first : second, route, caller)).StatusCode.Should().Be(HttpStatusCode.NotFound, $"request {i + 1} is within each instance's limit");
        await ShouldBeRateLimitedAsync(await PostAsync(first, route, caller));
    }

    [Fact]
    public async Task Register_when_sign_ins_used_up_the_shared_limit_returns_429_and_other_routes_stay_open()
    {
        using var http = hosts.Public.CreateClient();
        var caller = Token("google.com");

        (await PostAsync(http, "/api/client/auth/session", caller)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await PostAsync(http, "/api/client/auth/register", caller)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await PostAsync(http, "/api/client/auth/session", caller)).StatusCode.Should().Be(HttpStatusCode.OK);
        await ShouldBeRateLimitedAsync(await PostAsync(http, "/api/client/auth/register", caller));

        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/client/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller);
        (await http.SendAsync(me)).StatusCode.Should().Be(HttpStatusCode.OK, "only sign-in routes are limited");
    }

    [Fact]
    public async Task Request_when_one_client_is_over_the_limit_returns_429_to_that_client_only()
    {
        using var http = hosts.Public.CreateClient();
        var guest = Token("anonymous");
        (await PostAsync(http, "/api/client/auth/session", guest)).StatusCode.Should().Be(HttpStatusCode.OK);

        // A guest is refused (403 registration-required), and every attempt counts all the same.
        for (var i = 0; i < RateLimitedHostsFixture.Permits; i++)
            (await PostAsync(http, "/api/client/pairing-requests", guest, "{}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await ShouldBeRateLimitedAsync(await PostAsync(http, "/api/client/pairing-requests", guest, "{}"));

        var other = Token("anonymous");
        (await PostAsync(http, "/api/client/auth/session", other)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await PostAsync(http, "/api/client/pairing-requests", other, "{}")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "another client has its own limit");
    }

    [Fact]
    public async Task Checkout_when_one_client_is_over_the_limit_returns_429_to_that_client_only()
    {
        using var http = hosts.Public.CreateClient();
        var client = Token("google.com");
        (await PostAsync(http, "/api/client/auth/session", client)).StatusCode.Should().Be(HttpStatusCode.OK);

        // An unknown package is refused (404), and every attempt counts all the same: no invoice
        // flood whatever the body says.
        var body = JsonSerializer.Serialize(new { packageId = Guid.NewGuid() });
        for (var i = 0; i < RateLimitedHostsFixture.Permits; i++)
            (await PostAsync(http, "/api/client/payments", client, body)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        await ShouldBeRateLimitedAsync(await PostAsync(http, "/api/client/payments", client, body));

        var other = Token("google.com");
        (await PostAsync(http, "/api/client/auth/session", other)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await PostAsync(http, "/api/client/payments", other, body)).StatusCode.Should().Be(HttpStatusCode.NotFound, "another client has its own limit");
    }

    [Fact]
    public async Task Login_when_one_address_is_over_the_limit_returns_429_to_that_address_only()
    {
        using var attacker = From(hosts.Internal, "203.0.113.10");
        using var colleague = From(hosts.Internal, "203.0.113.11");

        // A different email each time: the per-email limit is not what refuses here.
        for (var i = 0; i < RateLimitedHostsFixture.Permits; i++)
            (await LogInAsync(attacker, NewEmail())).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await ShouldBeRateLimitedAsync(await LogInAsync(attacker, NewEmail()));

        (await LogInAsync(colleague, NewEmail())).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "another address has its own limit");
    }

    [Fact]
    public async Task Login_when_one_email_is_over_the_limit_returns_429_from_any_address()
    {
        var email = NewEmail();

        for (var i = 0; i < RateLimitedHostsFixture.Permits; i++)
        {
            using var http = From(hosts.Internal, $"198.51.100.{20 + i}");
            (await LogInAsync(http, email)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
        using var next = From(hosts.Internal, "198.51.100.30");
        // Emails are compared trimmed and lower-cased, as the login compares them.
        await ShouldBeRateLimitedAsync(await LogInAsync(next, "  " + email.ToUpperInvariant() + " "));

        (await LogInAsync(next, NewEmail())).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "another email has its own limit");
    }

    [Fact]
    public async Task Callback_when_one_address_is_over_the_limit_returns_429_to_that_address_only()
    {
        using var flood = From(hosts.Public, "192.0.2.40");
        using var xendit = From(hosts.Public, "192.0.2.41");

        // No callback token is configured here: every callback answers 401, and counts.
        for (var i = 0; i < RateLimitedHostsFixture.Permits; i++)
            (await CallbackAsync(flood)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await ShouldBeRateLimitedAsync(await CallbackAsync(flood));

        (await CallbackAsync(xendit)).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "another address has its own limit");
    }

    [Fact]
    public async Task Callback_when_behind_a_proxy_with_forwarded_headers_limits_each_forwarded_address_apart()
    {
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED=true, as docs/deployment.md says to set behind the load balancer.
        await using var behindProxy = hosts.Public.WithWebHostBuilder(b => b.UseSetting("ForwardedHeaders_Enabled", "true"));
        using var proxy = From(behindProxy, "10.0.0.2");

        for (var i = 0; i < RateLimitedHostsFixture.Permits; i++)
            (await CallbackAsync(proxy, forwardedFor: "192.0.2.50")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await ShouldBeRateLimitedAsync(await CallbackAsync(proxy, forwardedFor: "192.0.2.50"));

        (await CallbackAsync(proxy, forwardedFor: "192.0.2.51")).StatusCode.Should().Be(HttpStatusCode.Unauthorized,
            "the proxy's own address is not the partition once forwarded headers are honoured");
    }

    [Fact]
    public async Task Callback_behind_googles_load_balancer_keys_each_client_by_its_address_not_the_balancers()
    {
        // Google's external load balancer sends "X-Forwarded-For: <client>, <load balancer>".
        await using var behindLb = hosts.Public.WithWebHostBuilder(b => b
            .UseSetting("ForwardedHeaders_Enabled", "true")
            .UseSetting("ForwardedHeaders:ForwardLimit", "2")
            .UseSetting("ForwardedHeaders:KnownNetworks", "35.191.0.0/16, 130.211.0.0/22, 34.120.0.0/16")); // front ends and the balancer
        using var frontEnd = From(behindLb, "35.191.4.7");

        for (var i = 0; i < RateLimitedHostsFixture.Permits; i++)
            (await CallbackAsync(frontEnd, forwardedFor: $"198.51.100.60, 34.120.0.{i + 1}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await ShouldBeRateLimitedAsync(await CallbackAsync(frontEnd, forwardedFor: "198.51.100.60, 34.120.0.99"));

        (await CallbackAsync(frontEnd, forwardedFor: "198.51.100.61, 34.120.0.1")).StatusCode.Should().Be(HttpStatusCode.Unauthorized,
            "another client behind the same balancer has its own bucket");
        using var outsider = From(behindLb, "203.0.113.9");
        for (var i = 0; i < RateLimitedHostsFixture.Permits; i++)
            (await CallbackAsync(outsider, forwardedFor: $"198.51.100.{70 + i}, 34.120.0.1")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await ShouldBeRateLimitedAsync(await CallbackAsync(outsider, forwardedFor: "198.51.100.99, 34.120.0.1"));
    }

    [Theory]
    [InlineData("ForwardedHeaders:ForwardLimit", "0")]
    [InlineData("ForwardedHeaders:KnownNetworks", "35.191.0.0")]
    [InlineData("ForwardedHeaders:KnownProxies", "not-an-address")]
    public void Start_when_a_forwarded_headers_setting_does_not_parse_is_refused(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create<string, string?>(key, value)]).Build();

        var register = () => new ServiceCollection().AddHaloBestieForwardedHeaders(configuration);

        register.Should().Throw<StartupRefusedException>().WithMessage($"*{key.Replace(":", "__", StringComparison.Ordinal)}*");
    }

    [Theory]
    [InlineData("RateLimits:SignIn:PermitLimit", "0")]
    [InlineData("RateLimits:XenditWebhook:WindowSeconds", "-5")]
    public void Start_when_a_rate_limit_figure_is_below_1_is_refused(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create<string, string?>(key, value)]).Build();

        var register = () => new ServiceCollection().AddHaloBestieRateLimits(configuration);

        register.Should().Throw<StartupRefusedException>().WithMessage($"*{key.Replace(":", "__", StringComparison.Ordinal)}*");
    }

    internal static async Task ShouldBeRateLimitedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, body);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            var retryAfter = response.Headers.GetValues("Retry-After").Should().ContainSingle().Subject;
            retryAfter.Should().MatchRegex("^[0-9]+$", "Retry-After is a whole number of seconds");
            int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture).Should().BeInRange(1, RefillSeconds);
            response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");

            Problems.Parse(429, body).Name.Should().Be("rate-limited");
            using var json = JsonDocument.Parse(body);
            json.RootElement.GetProperty("status").GetInt32().Should().Be(429);
            json.RootElement.GetProperty("title").GetString().Should().NotBeNullOrEmpty();
            json.RootElement.GetProperty("detail").GetString().Should().Contain(retryAfter);
            json.RootElement.TryGetProperty("traceId", out _).Should().BeTrue();
        }
    }

    private static string Token(string provider) =>
        FirebaseTokens.Emulator("rl-" + Guid.NewGuid().ToString("N"), provider,
            phone: provider == "phone" ? $"+62815{Random.Shared.Next(10_000_000, 99_999_999)}" : null,
            email: provider == "google.com" ? $"{Guid.NewGuid():N}@example.com" : null);

    private static string NewEmail() => $"nobody-{Guid.NewGuid():N}@halobestie.test";

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string route, string token, string? json = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, route);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> LogInAsync(HttpClient http, string email) =>
        http.PostAsync("/api/internal/auth/login", new StringContent(
            JsonSerializer.Serialize(new { email, password = "not-the-password" }), Encoding.UTF8, "application/json"));

    private static Task<HttpResponseMessage> CallbackAsync(HttpClient http, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/shared/payments/xendit/callback")
        {
            Content = new StringContent("{\"external_id\":\"x\",\"status\":\"PAID\"}", Encoding.UTF8, "application/json"),
        };
        if (forwardedFor is not null)
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        return http.SendAsync(request);
    }

    // The in-process test server has no remote address of its own; give each caller one.
    private static HttpClient From<T>(WebApplicationFactory<T> host, string address) where T : class =>
        new(host.Server.CreateHandler(context => context.Connection.RemoteIpAddress = IPAddress.Parse(address)))
        {
            BaseAddress = host.Server.BaseAddress,
        };
}
