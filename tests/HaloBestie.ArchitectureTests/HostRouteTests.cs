using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HaloBestie.ArchitectureTests;

/// <summary>
/// Each host builds with every service resolvable, and maps only its own routes, read from its own route table. Nothing here talks to
/// PostgreSQL or Valkey: the connection strings point nowhere and no request is sent.
/// </summary>
public class HostRouteTests(HostRouteTests.BuiltHosts hosts) : IClassFixture<HostRouteTests.BuiltHosts>
{
    private static readonly string[] PublicPrefixes = ["/api/client", "/api/mitra", "/api/shared", "/health/"];
    private static readonly string[] InternalPrefixes = ["/api/internal/", "/health/"];

    [Fact]
    public void Map_when_the_host_is_public_maps_no_internal_route()
    {
        var routes = RoutesOf(hosts.Public.Services);

        routes.Should().NotBeEmpty();
        routes.Should().NotContain(r => r.StartsWith("/api/internal", StringComparison.OrdinalIgnoreCase));
        routes.Should().OnlyContain(r => PublicPrefixes.Any(p => r.StartsWith(p, StringComparison.Ordinal)));
    }

    [Fact]
    public void Map_when_the_host_is_internal_maps_only_internal_routes()
    {
        var routes = RoutesOf(hosts.Internal.Services);

        routes.Should().Contain("/api/internal/auth/login");
        routes.Should().OnlyContain(r => InternalPrefixes.Any(p => r.StartsWith(p, StringComparison.Ordinal)));
    }

    /// <summary>
    /// Start-up (ADR 0030): every route's handler is bound by code the Request Delegate Generator
    /// wrote at compile time (EnableRequestDelegateGenerator in the host projects), not by
    /// RequestDelegateFactory compiling expression trees at start. A handler shape the generator
    /// cannot bind falls back silently to the slow path at run time; this says which route did.
    /// </summary>
    [Fact]
    public void Map_when_a_route_has_a_handler_binds_it_with_code_generated_at_compile_time()
    {
        foreach (var services in hosts.Both)
        {
            var handlers = services.GetRequiredService<EndpointDataSource>().Endpoints
                .OfType<RouteEndpoint>()
                .Where(e => e.Metadata.GetMetadata<System.Reflection.MethodInfo>() is not null)
                .ToList();

            handlers.Should().NotBeEmpty();
            handlers.Where(e => !BoundByGeneratedCode(e)).Select(e => e.DisplayName).Should().BeEmpty(
                "every route handler is bound by the Request Delegate Generator's code (ADR 0030); these fell back to RequestDelegateFactory");
        }
    }

    /// <summary>
    /// Start-up (ADR 0036): the JSON body each route reads has its metadata from the source-generated
    /// <see cref="Infrastructure.Web.RequestBodies"/>, not built by reflection when the route table
    /// is built. A body missing there still works (reflection), only slower to start; this names it.
    /// </summary>
    [Fact]
    public void Map_when_a_route_reads_a_json_body_describes_it_at_compile_time()
    {
        foreach (var services in hosts.Both)
        {
            var bodies = services.GetRequiredService<EndpointDataSource>().Endpoints
                .SelectMany(e => e.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>())
                .Where(a => a.RequestType is not null && a.ContentTypes.Contains("application/json"))
                .Select(a => a.RequestType!)
                .Distinct()
                .ToList();

            bodies.Should().NotBeEmpty();
            bodies.Where(t => Infrastructure.Web.RequestBodies.Default.GetTypeInfo(t) is null).Select(t => t.FullName).Should().BeEmpty(
                "every JSON body a route reads is listed in RequestBodies (ADR 0036); these are built by reflection at start");
        }
    }

    /// <summary>
    /// Start-up (ADR 0036): no host loads or creates a data-protection key ring while it starts:
    /// nothing uses it, and a fresh container made and logged a new key on every start.
    /// </summary>
    [Fact]
    public void Start_when_a_host_starts_loads_no_data_protection_key_ring()
    {
        foreach (var services in hosts.Both)
        {
            services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Select(h => h.GetType().FullName)
                .Should().NotContain(name => name!.Contains("DataProtection"));
        }
    }

    // The generator's code lives in a file-local class of the host assembly named …GeneratedRouteBuilderExtensionsCore;
    // RequestDelegateFactory's delegates are compiled expression trees (no declaring type) or its own closures.
    private static bool BoundByGeneratedCode(RouteEndpoint endpoint)
    {
        var type = endpoint.RequestDelegate?.Method.DeclaringType;
        for (; type is not null; type = type.DeclaringType)
        {
            if (type.Name.EndsWith("GeneratedRouteBuilderExtensionsCore", StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>Each host built once for the class: every test here only reads its services.</summary>
    public sealed class BuiltHosts : IDisposable
    {
        public WebApplicationFactory<Api.Public.Program> Public { get; } = Configure(new WebApplicationFactory<Api.Public.Program>());

        public WebApplicationFactory<Api.Internal.Program> Internal { get; } = Configure(new WebApplicationFactory<Api.Internal.Program>());

        public IEnumerable<IServiceProvider> Both => [Public.Services, Internal.Services];

        public void Dispose()
        {
            Public.Dispose();
            Internal.Dispose();
        }
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
