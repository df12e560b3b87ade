using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HaloBestie.Infrastructure.Identity;

/// <summary>
/// <c>AddAuthentication</c> registers ASP.NET Core's data protection, and with it a hosted service
/// that loads (or, in a fresh container, creates and writes) a key ring while the host starts.
/// Nothing in Halo Bestie protects data with it: both hosts' bearer tokens are signed JWTs, no
/// cookie or anti-forgery token is issued. On Cloud Run every start made a new key and logged a
/// warning ("No XML encryptor configured") for it, and the internal host spent ~10–16 ms of its
/// start on it (docs/performance.md, start-up round four). The service is left registered, so
/// anything that one day asks for it still gets it, at that first use.
/// </summary>
public static class DataProtectionAtStart
{
    private const string HostedService = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>Removes data protection's start-up key-ring load; call after <c>AddAuthentication</c>.</summary>
    public static IServiceCollection WithoutDataProtectionAtStart(this IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService) && services[i].ImplementationType?.FullName == HostedService)
                services.RemoveAt(i);
        }
        return services;
    }
}
