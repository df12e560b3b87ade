using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HaloBestie.ArchitectureTests;

/// <summary>
/// Each host builds with every service resolvable, and maps only its own routes, read from its route table, read from each host's own route table. Nothing here talks to
/// PostgreSQL or Valkey: the connection strings point nowhere and no request is sent.
/// </summary>
public class HostRouteTests
{
    private static readonly string[] PublicPrefixes = ["/api/client", "/api/mitra", "/api/shared", "/health/"];
    private static readonly string[] InternalPrefixes = ["/api/internal/", "/health/"];

    [Fact]
    public void Map_when_the_host_is_public_maps_no_internal_route()
    {
        using var host = Configure(new WebApplicationFactory<Api.Public.Program>());

        var routes = RoutesOf(host.Services);

        routes.Should().NotBeEmpty();
        routes.Should().NotContain(r => r.StartsWith("/api/internal", StringComparison.OrdinalIgnoreCase));
        routes.Should().OnlyContain(r => PublicPrefixes.Any(p => r.StartsWith(p, StringComparison.Ordinal)));
    }

    [Fact]
    public void Map_when_the_host_is_internal_maps_only_internal_routes()
    {
        using var host = Configure(new WebApplicationFactory<Api.Internal.Program>());

        var routes = RoutesOf(host.Services);

        routes.Should().Contain("/api/internal/auth/login");
        routes.Should().OnlyContain(r => InternalPrefixes.Any(p => r.StartsWith(p, StringComparison.Ordinal)));
    }

    private static WebApplicationFactory<T> Configure<T>(WebApplicationFactory<T> factory) where T : class =>
        factory.WithWebHostBuilder(b => b
            .UseEnvironment("Test")
            .UseDefaultServiceProvider(o =>
            {
                // As in Development: every registered service (every Mediator handler included) must be constructible.
                o.ValidateOnBuild = true;
                o.ValidateScopes = true;
            })
            .UseSetting("ConnectionStrings:Postgres", "Host=127.0.0.1;Port=1;Database=none")
            .UseSetting("ConnectionStrings:Valkey", "127.0.0.1:1")
            .UseSetting("ControlCenter:TokenSigningKey", new string('k', 48))
            .UseSetting("ControlCenter:BootstrapAdmin:Email", "")
            .UseSetting("Firebase:ProjectId", "halobestie-test")
            .UseSetting("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099"));

    private static List<string> RoutesOf(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
            .ToList();
}
