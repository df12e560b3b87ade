using System.Net;
using System.Text.Json;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HaloBestie.IntegrationTests.Hosts;

public class HostTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Theory]
    [InlineData("public")]
    [InlineData("internal")]
    public async Task Health_when_postgres_and_valkey_answer_returns_200_on_both_endpoints(string host)
    {
        using var http = host == "public" ? hosts.Public.CreateClient() : hosts.Internal.CreateClient();

        (await http.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        using var ready = await http.GetAsync("/health/ready");

        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString().Should().Be("Healthy");
        body.RootElement.GetProperty("checks").GetProperty("valkey").GetProperty("status").GetString().Should().Be("Healthy");
    }

    [Theory]
    [InlineData("postgres", "valkey")]
    [InlineData("valkey", "postgres")]
    public async Task Readiness_when_a_backing_service_is_down_returns_503_naming_it(string down, string up)
    {
        var closedPort = "1";
        await using var factory = new WebApplicationFactory<Api.Public.Program>().WithWebHostBuilder(b => b
            .UseEnvironment("Test")
            .UseSetting("ConnectionStrings:Postgres", down == "postgres" ? $"Host=127.0.0.1;Port={closedPort};Database=x;Timeout=2" : hosts.Servers.Postgres)
            .UseSetting("ConnectionStrings:Valkey", down == "valkey" ? $"127.0.0.1:{closedPort},connectTimeout=500" : hosts.Servers.Valkey)
            .UseSetting("Marten:Schema", hosts.Schema)
            .UseSetting("Firebase:ProjectId", FirebaseTokens.ProjectId)
            .UseSetting("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099"));
        using var http = factory.CreateClient();

        using var ready = await http.GetAsync("/health/ready");

        ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("checks").GetProperty(down).GetProperty("status").GetString().Should().Be("Unhealthy");
        body.RootElement.GetProperty("checks").GetProperty(up).GetProperty("status").GetString().Should().Be("Healthy");
    }

    [Theory]
    [InlineData("/api/internal/mitras")]
    [InlineData("/api/internal/auth/login")]
    [InlineData("/api/internal/audit")]
    public async Task Call_when_an_internal_route_is_asked_of_the_public_host_returns_404(string route)
    {
        using var http = hosts.Public.CreateClient();

        using var get = await http.GetAsync(route);
        using var post = await http.PostAsync(route, new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        get.StatusCode.Should().Be(HttpStatusCode.NotFound);
        post.StatusCode.Should().Be(HttpStatusCode.NotFound);
        Problems.Parse(404, await get.Content.ReadAsStringAsync()).Name.Should().Be("not-found");
    }

    [Theory]
    [InlineData("public")]
    [InlineData("internal")]
    public async Task OpenApi_when_requested_serves_the_document_and_the_ui(string host)
    {
        using var http = host == "public" ? hosts.Public.CreateClient() : hosts.Internal.CreateClient();

        (await http.GetAsync("/swagger/v1/swagger.json")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.GetAsync("/swagger/index.html")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task OpenApi_when_switched_off_serves_neither_the_document_nor_the_ui()
    {
        // What a Production host does unless OpenApi:Enabled=true (this fixture runs as Test).
        await using var quiet = hosts.Public.WithWebHostBuilder(b => b.UseSetting("OpenApi:Enabled", "false"));
        using var http = quiet.CreateClient();

        (await http.GetAsync("/swagger/v1/swagger.json")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await http.GetAsync("/swagger/index.html")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await http.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Call_when_the_method_is_wrong_returns_405_as_problem_details()
    {
        using var http = hosts.Internal.CreateClient();

        using var response = await http.DeleteAsync("/api/internal/auth/login");

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        Problems.Parse(405, await response.Content.ReadAsStringAsync()).Name.Should().Be("method-not-allowed");
    }
}
