using HaloBestie.Benchmarks.Probe;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

[assembly: HostingStartup(typeof(TrivialEndpoint))]

namespace HaloBestie.Benchmarks.Probe;

/// <summary>
/// <c>POST /bench/trivial</c>: verifies the bearer token with the host's own authentication
/// scheme and authorization policy, then answers 204 — the heartbeat route without its use case.
/// It runs first in the pipeline, so it also skips routing and the other middleware: a baseline
/// that is, if anything, faster than a real trivial endpoint would be.
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
        app.Use(async (context, nextMiddleware) =>
        {
            if (!context.Request.Path.Equals(Path, StringComparison.Ordinal))
            {
                await nextMiddleware(context);
                return;
            }

            var result = await context.AuthenticateAsync();
            var authorization = context.RequestServices.GetRequiredService<IAuthorizationService>();
            context.Response.StatusCode = result.Succeeded && (await authorization.AuthorizeAsync(result.Principal, Policy)).Succeeded
                ? StatusCodes.Status204NoContent
                : StatusCodes.Status401Unauthorized;
        });
        next(app);
    };
}
