using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HaloBestie.IntegrationTests.Abuse;

/// <summary>
/// The 64 KiB body limit and the security headers, on both hosts. The body limit is Kestrel's
/// (<c>MaxRequestBodySize</c>), which the in-process test server does not apply: these hosts
/// listen on a real loopback socket.
/// </summary>
public sealed class RequestLimitTests(HostsFixture hosts) : IClassFixture<HostsFixture>, IAsyncLifetime
{
    private const int Limit = 64 * 1024;
    private WebApplicationFactory<Api.Public.Program> _public = null!;
    private WebApplicationFactory<Api.Internal.Program> _internal = null!;

    public Task InitializeAsync()
    {
        _public = OnSocket(hosts.Public);
        _internal = OnSocket(hosts.Internal);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _public.DisposeAsync();
        await _internal.DisposeAsync();
    }

    [Theory]
    [InlineData("public", "/api/client/me/display-name", "PUT", false)]
    [InlineData("public", "/api/client/me/display-name", "PUT", true)]
    [InlineData("public", "/api/shared/payments/xendit/callback", "POST", false)]
    [InlineData("internal", "/api/internal/auth/login", "POST", false)]
    [InlineData("internal", "/api/internal/auth/login", "POST", true)]
    public async Task Send_when_the_body_is_over_64_KiB_returns_413_and_within_it_is_read(string host, string route, string method, bool chunked)
    {
        var token = host == "public" ? (await hosts.NewRegisteredClientAsync()).Token : null;
        using var http = host == "public" ? _public.CreateClient() : _internal.CreateClient();

        using var over = await SendAsync(http, method, route, token, Limit + 1, chunked);
        // Kestrel refuses a chunked body a little before 65,536 decoded bytes (65,535 is refused,
        // 65,436 read): a chunked body 1 KiB under the limit is read.
        using var within = await SendAsync(http, method, route, token, chunked ? Limit - 1024 : Limit, chunked);

        over.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        over.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        Problems.Parse(413, await over.Content.ReadAsStringAsync()).Name.Should().Be("payload-too-large");
        ShouldCarrySecurityHeaders(over);
        // Read whole and refused for what it says (a display name or an email that is too long), not for its size.
        within.StatusCode.Should().NotBe(HttpStatusCode.RequestEntityTooLarge);
        ((int)within.StatusCode).Should().BeLessThan(500);
    }

    [Theory]
    [InlineData("public", "GET", "/health/live", 200)]
    [InlineData("public", "GET", "/swagger/v1/swagger.json", 200)]
    [InlineData("public", "GET", "/api/client/me", 401)]
    [InlineData("public", "GET", "/api/nothing-here", 404)]
    [InlineData("public", "DELETE", "/api/shared/config", 405)]
    [InlineData("internal", "GET", "/health/ready", 200)]
    [InlineData("internal", "GET", "/swagger/index.html", 200)]
    [InlineData("internal", "GET", "/api/internal/mitras", 401)]
    [InlineData("internal", "GET", "/api/internal/nothing-here", 404)]
    [InlineData("internal", "DELETE", "/api/internal/auth/login", 405)]
    public async Task Answer_when_of_any_status_carries_the_security_headers_and_no_server_header(string host, string method, string path, int status)
    {
        using var http = host == "public" ? _public.CreateClient() : _internal.CreateClient();

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        ((int)response.StatusCode).Should().Be(status);
        ShouldCarrySecurityHeaders(response);
        response.Headers.Contains("Server").Should().BeFalse("Kestrel's Server header is switched off");
    }

    private static void ShouldCarrySecurityHeaders(HttpResponseMessage response)
    {
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.GetValues("X-Frame-Options").Should().Equal("DENY");
        response.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string method, string route, string? token, int size, bool chunked)
    {
        // A JSON object whose one string fills the body to exactly `size` bytes.
        const string head = "{\"displayName\":\"", tail = "\"}";
        var json = head + new string('a', size - head.Length - tail.Length) + tail;
        HttpContent content = chunked
            ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            : new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (chunked)
            content.Headers.ContentLength = null;
        var request = new HttpRequestMessage(new HttpMethod(method), route) { Content = content };
        if (chunked)
            request.Headers.TransferEncodingChunked = true;
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    // Kestrel on a free loopback port, over the fixture's schema and key prefix.
    private static WebApplicationFactory<T> OnSocket<T>(WebApplicationFactory<T> host) where T : class
    {
        var onSocket = host.WithWebHostBuilder(b => b.UseSetting("urls", "http://127.0.0.1:0"));
        onSocket.UseKestrel();
        onSocket.StartServer();
        return onSocket;
    }
}
