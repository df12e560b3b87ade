using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HaloBestie.Infrastructure.Web;

/// <summary>
/// Which hops of <c>X-Forwarded-For</c> the hosts believe when <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>
/// (issue 21 item 2). ASP.NET Core then takes one hop (the last address) from anyone; behind
/// Google's external load balancer the header is <c>client, load-balancer</c>, so every caller
/// would be keyed as the balancer and the per-address rate limits would become one bucket.
/// <list type="bullet">
/// <item><c>ForwardedHeaders:ForwardLimit</c>: how many addresses from the right to process (2 behind
/// Google's load balancer; default 1);</item>
/// <item><c>ForwardedHeaders:KnownProxies</c> / <c>ForwardedHeaders:KnownNetworks</c>: comma-separated
/// addresses / CIDR ranges whose forwarded headers are believed (default: any, as ASP.NET Core's
/// switch sets).</item>
/// </list>
/// A value that does not parse refuses the start (docs/deployment.md).
/// </summary>
public static class ForwardedHeadersSetup
{
    public const string Section = "ForwardedHeaders";

    public static IServiceCollection AddHaloBestieForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var limitText = section["ForwardLimit"];
        int? limit = null;
        if (!string.IsNullOrWhiteSpace(limitText))
        {
            limit = int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l is >= 1 and <= 10
                ? l
                : throw new StartupRefusedException($"ForwardedHeaders__ForwardLimit must be a whole number from 1 to 10, not '{limitText}'.");
        }
        var proxies = List(section["KnownProxies"]).Select(p => IPAddress.TryParse(p, out var a) ? a
            : throw new StartupRefusedException($"ForwardedHeaders__KnownProxies holds '{p}', which is not an IP address.")).ToList();
        var networks = List(section["KnownNetworks"]).Select(n => IPNetwork.TryParse(n, out var net) ? net
            : throw new StartupRefusedException($"ForwardedHeaders__KnownNetworks holds '{n}', which is not a CIDR range such as 35.191.0.0/16.")).ToList();

        services.PostConfigure<ForwardedHeadersOptions>(o =>
        {
            if (limit is { } value)
                o.ForwardLimit = value;
            if (proxies.Count > 0 || networks.Count > 0)
            {
                o.KnownProxies.Clear();
                o.KnownIPNetworks.Clear();
                proxies.ForEach(o.KnownProxies.Add);
                networks.ForEach(o.KnownIPNetworks.Add);
            }
        });
        return services;
    }

    private static string[] List(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
