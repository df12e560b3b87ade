using System.Diagnostics;
using HaloBestie.Application.Pairing;
using HaloBestie.Application.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaloBestie.Infrastructure.Workers;

/// <summary>
/// The durable timers, checked every second: pairing requests past their deadline expire;
/// sessions get their 5-minute warning and then end at time-up (`SessionTimeUp`). The deadlines live in PostgreSQL,
/// so a restart loses nothing; every public instance runs this, one of them each second
/// (<see cref="WorkerTicks"/>), and each stream's version lets exactly one of them record each transition.
/// Each pass works through everything due, several at once (<see cref="Application.Common.DueTransitions"/>);
/// the expiries and the sessions' pass run side by side.
/// </summary>
public sealed partial class DurableTimersWorker(PairingTimers pairing, SessionTimeUp sessions, WorkerTicks ticks, ILogger<DurableTimersWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    public const string Name = "timers";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (!await ticks.TryTakeAsync(Name, Interval))
                {
                    WorkerMetrics.Tick(Name, WorkerMetrics.Skipped);
                    continue;
                }
                var started = Stopwatch.GetTimestamp();
                // Side by side: a burst of session warnings does not hold back the expiries, nor the reverse.
                var expiring = pairing.ExpireDueAsync(stoppingToken);
                var ticking = sessions.RunDueAsync(stoppingToken);
                await Task.WhenAll(expiring, ticking);
                var (expired, sessionChanges) = (await expiring, await ticking);
                WorkerMetrics.Tick(Name, WorkerMetrics.Ran);
                var milliseconds = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (expired + sessionChanges > 0)
                    LogFired(logger, expired, sessionChanges, milliseconds);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                WorkerMetrics.Tick(Name, WorkerMetrics.Failed);
                LogFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Timers fired: {Expired} pairing requests expired, {Sessions} sessions warned or ended, in {Milliseconds} ms")]
    private static partial void LogFired(ILogger logger, int expired, int sessions, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Durable timer check failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
