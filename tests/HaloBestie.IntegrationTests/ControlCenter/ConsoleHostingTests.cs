using System.Net;
using System.Text.RegularExpressions;
using HaloBestie.Api.Internal.ControlCenter;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace HaloBestie.IntegrationTests.ControlCenter;

/// <summary>How the internal host serves the console's files (no browser): headers, fallback, and the host without a console.</summary>
public sealed partial class ConsoleHostingTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/sessions/0b6f3c3e-8a3b-4d59-9f8a-2f4c1a1d2e3f")]
    [InlineData("/login?next=%2Fmitras")]
    public async Task Get_when_the_path_is_the_console_or_a_client_route_answers_index_html_uncached_with_the_csp(string path)
    {
        using var http = hosts.Internal.CreateClient();
        using var response = await http.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        (await response.Content.ReadAsStringAsync()).Should().Contain("<div id=\"root\"></div>");
        response.Headers.CacheControl!.NoCache.Should().BeTrue();
        response.Headers.GetValues("Content-Security-Policy").Should().Equal(ConsoleFiles.ContentSecurityPolicy);
        response.Headers.GetValues("X-Frame-Options").Should().Equal("DENY");
        ConsoleFiles.ContentSecurityPolicy.Should().Contain("script-src 'self';").And.NotContain("unsafe");
    }

    [Fact]
    public async Task Get_when_the_file_is_a_hashed_asset_answers_it_cached_for_a_year()
    {
        using var http = hosts.Internal.CreateClient();
        var index = await http.GetStringAsync("/");
        var script = ScriptSource().Match(index).Groups[1].Value;
        script.Should().StartWith("/assets/");

        using var response = await http.GetAsync(script);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        response.Headers.CacheControl!.ToString().Should().Be("public, max-age=31536000, immutable");
        (await http.GetAsync("/assets/missing-0123.js")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/internal/no-such-route")]
    [InlineData("/health/no-such-check")]
    [InlineData("/swagger/no-such-page")]
    public async Task Get_when_the_path_belongs_to_the_api_never_answers_the_console(string path)
    {
        using var http = hosts.Internal.CreateClient();
        using var response = await http.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (response.Content.Headers.ContentType?.MediaType).Should().NotBe("text/html", "an API path never gets the console's page");
        response.Headers.Contains("Content-Security-Policy").Should().BeFalse();
    }

    [Fact]
    public async Task Start_when_the_console_was_not_built_serves_the_api_only_and_says_so_once()
    {
        var empty = Directory.CreateTempSubdirectory("halobestie-no-console");
        var logs = new CapturedLogs();
        try
        {
            await using var host = hosts.Internal.WithWebHostBuilder(b => b
                .UseSetting(ConsoleFiles.RootKey, empty.FullName)
                .ConfigureLogging(l => l.AddProvider(logs).AddFilter<CapturedLogs>(null, LogLevel.Trace)));
            using var http = host.CreateClient();

            (await http.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
            using var root = await http.GetAsync("/");
            root.StatusCode.Should().Be(HttpStatusCode.NotFound);
            (root.Content.Headers.ContentType?.MediaType).Should().Be("application/problem+json", "without a console, / is the API's 404");
            logs.Entries.Count(e => e.Contains("Console not built", StringComparison.Ordinal)).Should().Be(1);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [GeneratedRegex("<script type=\"module\" crossorigin src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
