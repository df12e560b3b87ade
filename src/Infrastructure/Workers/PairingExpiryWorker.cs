using HaloBestie.Application.Pairing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaloBestie.Infrastructure.Workers;

/// <summary>
/// Expires searching pairing requests at their stored deadline, checking every second. Runs on
/// every public instance; the request stream's version lets exactly one record each expiry, and
/// a restart loses nothing because the deadline lives in PostgreSQL.
/// </summary>
public sealed partial class PairingExpiryWorker(PairingTimers timers, ILogger<PairingExpiryWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var expired = await timers.ExpireDueAsync(stoppingToken);
                if (expired > 0)
                    LogExpired(logger, expired);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} pairing requests")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pairing expiry check failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
