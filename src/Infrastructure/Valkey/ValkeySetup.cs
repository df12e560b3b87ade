using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaloBestie.Application.Conversation;
using HaloBestie.Application.Presence;
using HaloBestie.Application.Realtime;
using HaloBestie.Infrastructure.Realtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace HaloBestie.Infrastructure.Valkey;

/// <summary>Where keys and channels of this deployment live: every key and channel starts with <see cref="Prefix"/>.</summary>
public sealed record ValkeyKeys(string Prefix);

public static class ValkeySetup
{
    /// <summary>
    /// One multiplexer per process. It connects in the background and reconnects on its own, so
    /// a host starts (and reports not-ready) while Valkey is down.
    /// </summary>
    public static IServiceCollection AddHaloBestieValkey(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Valkey");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new StartupRefusedException("ConnectionStrings:Valkey is not set. Set the environment variable ConnectionStrings__Valkey, or start the system with scripts/run.");

        var keys = new ValkeyKeys(configuration["Valkey:KeyPrefix"] ?? "hb:");
        var certificateAuthority = CertificateAuthorityOf(configuration);
        services.AddSingleton(keys);
        // The connection is opened from here, on a pool thread, while the rest of the host is built
        // and started; whatever first needs the multiplexer (at start, the Valkey trace
        // instrumentation) waits only for what is left of it. Opened inside that first resolution,
        // as before, the handshake and the client's first run held the start's main thread for
        // 25–30 ms (docs/performance.md, start-up round four). A host that is built and never
        // started (a command such as apply-schema) exits with the process.
        var connecting = Task.Run(() =>
        {
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = false;
            options.ClientName ??= "halobestie";
            options.ChannelPrefix = RedisChannel.Literal(keys.Prefix);
            // While Valkey is unreachable, commands fail at once (the request answers 503 with
            // Retry-After) instead of queueing until a timeout; the multiplexer keeps reconnecting.
            options.BacklogPolicy = BacklogPolicy.FailFast;
            if (certificateAuthority is not null)
            {
                // Memorystore's in-transit encryption signs its certificate with a CA of the instance's own.
                options.Ssl = true;
                options.TrustIssuer(certificateAuthority);
            }
            return ConnectionMultiplexer.Connect(options);
        });
        services.AddSingleton<IConnectionMultiplexer>(_ => connecting.GetAwaiter().GetResult());
        services.AddSingleton(sp => sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase().WithKeyPrefix(keys.Prefix));
        services.AddSingleton<IPresenceStore, ValkeyPresenceStore>();
        services.AddSingleton<IRealtime, ValkeyRealtime>();
        services.AddSingleton<ITypingSignals, ValkeyTypingSignals>();
        services.AddSingleton<EventStream>();
        return services;
    }

    /// <summary><c>Valkey:CaCertificatePath</c>: the PEM (or DER) certificate of the CA that signed the server's certificate.</summary>
    public const string CaCertificatePathKey = "Valkey:CaCertificatePath";

    /// <summary>The CA to trust for the Valkey connection's TLS (and TLS on), or none; a named file that is not a certificate refuses the start.</summary>
    private static X509Certificate2? CertificateAuthorityOf(IConfiguration configuration)
    {
        var path = configuration[CaCertificatePathKey];
        if (string.IsNullOrWhiteSpace(path))
            return null;
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new StartupRefusedException($"Valkey:CaCertificatePath names '{path}', which is not a readable certificate ({e.GetType().Name}). Fix Valkey__CaCertificatePath, or unset it.");
        }
    }
}
