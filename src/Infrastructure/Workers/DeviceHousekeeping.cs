using HaloBestie.Application.Devices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaloBestie.Infrastructure.Workers;

/// <summary>
/// Once an hour (the first time a minute after start), drops app installations not registered
/// again for 60 days (<see cref="StaleDevices"/>). Runs on every public instance; the delete is
/// idempotent. The first run waits so that its query is not part of start-up (docs/performance.md).
/// </summary>
public sealed partial class DeviceHousekeeping(StaleDevices stale, ILogger<DeviceHousekeeping> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public static readonly TimeSpan FirstRunDelay = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstRunDelay, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var dropped = await stale.DropAsync(stoppingToken);
                if (dropped > 0)
                    LogDropped(logger, dropped);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped {Count} app installations not registered for 60 days")]
    private static partial void LogDropped(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device housekeeping failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
