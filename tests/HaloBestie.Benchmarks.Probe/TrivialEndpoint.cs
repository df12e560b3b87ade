using HaloBestie.Benchmarks.Probe;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

[assembly: HostingStartup(typeof(TrivialEndpoint))]

namespace HaloBestie.Benchmarks.Probe;

/// <summary>
/// <c>POST /bench/trivial</c>, the baseline of the heartbeat figure: a routed endpoint that
/// requires the host's own Firebase policy and answers 204 — the heartbeat route without its use
/// case. It is appended after the host's whole pipeline: a request for it passes every middleware
/// of the host (headers, exception handler, authentication, …), finds no route there, and is then
/// routed, authorised and answered here.
/// </summary>
public sealed class TrivialEndpoint : IHostingStartup, IStartupFilter
{
    public const string Path = "/bench/trivial";

    /// <summary>The public host's policy for any Firebase caller (FirebasePolicies.Firebase).</summary>
    private const string Policy = "firebase";

    public void Configure(IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(this));

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseEndpoints(endpoints => endpoints.MapPost(Path, () => Results.NoContent()).RequireAuthorization(Policy));
    };
}
