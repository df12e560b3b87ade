using HaloBestie.Application.Push;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaloBestie.Infrastructure.Push;

/// <summary>
/// Push through FCM HTTP v1 (docs/push.md). With a service account configured, changes queue
/// pushes in the outbox and every host runs <see cref="PushDelivery"/>; without one, nothing is
/// queued and the host says so once at start. A named file that cannot be used refuses the start.
/// </summary>
public static partial class PushSetup
{
    /// <summary>How long one call to FCM may take before it counts as a timeout (and is retried).</summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    public static IServiceCollection AddHaloBestiePush(this IServiceCollection services, IConfiguration configuration)
    {
        var options = FcmOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton(new PushSwitch(options.IsConfigured));
        services.AddSingleton<PushWake>();
        services.AddSingleton<PushOutbox>();
        services.AddHostedService<PushStartReport>();
        if (!options.IsConfigured)
            return services;
        services.AddHttpClient<FcmClient>(http => http.Timeout = SendTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                MaxConnectionsPerServer = PushDelivery.Parallelism,
                EnableMultipleHttp2Connections = true,
            });
        services.AddHostedService<PushDelivery>();
        return services;
    }

    private sealed partial class PushStartReport(FcmOptions options, IHostEnvironment environment, ILogger<PushStartReport> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.IsConfigured)
                LogOn(logger, options.ProjectId!, options.BaseUrl);
            else if (environment.IsProduction())
                LogOffInProduction(logger);
            else
                LogOff(logger);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "Push is on: FCM project {Project} at {BaseUrl}")]
        private static partial void LogOn(ILogger logger, string project, Uri baseUrl);

        private const string Off = "Push is off: no FCM service account configured (set Push__Fcm__ServiceAccountFile); phones in the background hear of nothing";

        [LoggerMessage(Level = LogLevel.Warning, Message = Off)]
        private static partial void LogOffInProduction(ILogger logger);

        [LoggerMessage(Level = LogLevel.Information, Message = Off)]
        private static partial void LogOff(ILogger logger);
    }
}
