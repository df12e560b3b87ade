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
        services.AddSingleton(keys);
        services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = false;
            options.ClientName ??= "halobestie";
            options.ChannelPrefix = RedisChannel.Literal(keys.Prefix);
            // While Valkey is unreachable, commands fail at once (the request answers 503 with
            // Retry-After) instead of queueing until a timeout; the multiplexer keeps reconnecting.
            options.BacklogPolicy = BacklogPolicy.FailFast;
            return ConnectionMultiplexer.Connect(options);
        });
        services.AddSingleton(sp => sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase().WithKeyPrefix(keys.Prefix));
        services.AddSingleton<IPresenceStore, ValkeyPresenceStore>();
        services.AddSingleton<IRealtime, ValkeyRealtime>();
        services.AddSingleton<ITypingSignals, ValkeyTypingSignals>();
        services.AddSingleton<EventStream>();
        return services;
    }
}
