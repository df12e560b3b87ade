using HaloBestie.Application.Presence;
using HaloBestie.Application.Settings;
using HaloBestie.Domain.Mitras;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaloBestie.Infrastructure.Workers;

/// <summary>
/// Puts mitras offline whose last heartbeat is older than <c>heartbeatTimeoutSeconds</c>, and
/// mitras whose time reachable in the background (<c>backgroundReachableMinutes</c>) is over,
/// within about a second of that moment. Runs on every public instance; Valkey hands each expired mitra
/// to exactly one of them. Every 5 s it also restores mitras the stream says are online but
/// Valkey lost (a restart), and finishes transitions an instance died in the middle of.
/// Waits in real time; reads "now" from the injected TimeProvider (tests move it).
/// </summary>
public sealed partial class PresenceSweeper(
    IDocumentStore store, IPresenceStore presence, PresenceTransitions transitions, WorkerTicks ticks, TimeProvider clock, ILogger<PresenceSweeper> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);
    private const int ReconcileEvery = 5;

    // Mitras restored per script (each checks and adds them atomically): after Valkey restarted
    // empty every online mitra is missing, and other commands run between the batches.
    private const int RestoreBatch = 100;
    public const string Name = "presence-sweep";
    public const string ReconcileName = "presence-reconcile";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        for (var tick = 0; await timer.WaitForNextTickAsync(stoppingToken); tick++)
        {
            try
            {
                // Every instance sweeps (Valkey hands each expired mitra to one of them); the
                // reconcile runs on one instance per 5 s.
                await SweepAsync(stoppingToken);
                WorkerMetrics.Tick(Name, WorkerMetrics.Ran);
                if (tick % ReconcileEvery == 0)
                {
                    if (await ticks.TryTakeAsync(ReconcileName, Interval * ReconcileEvery))
                    {
                        await ReconcileAsync(stoppingToken);
                        WorkerMetrics.Tick(ReconcileName, WorkerMetrics.Ran);
                    }
                    else
                    {
                        WorkerMetrics.Tick(ReconcileName, WorkerMetrics.Skipped);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                WorkerMetrics.Tick(Name, WorkerMetrics.Failed);
                LogSweepFailed(logger, e.Message);
            }
        }
    }

    public async Task SweepAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var settings = await session.LoadSettingsAsync(ct);
        var now = clock.GetUtcNow();
        var cutoff = now - TimeSpan.FromSeconds(settings.HeartbeatTimeoutSeconds);
        IReadOnlyList<Guid> expired;
        // Background first: a mitra whose background time ran out goes with that reason, even when
        // this sweep comes late (its heartbeat score is the same moment, taken a timeout later).
        do
        {
            expired = await presence.ClaimBackgroundExpiredAsync(now, 100);
            foreach (var mitraId in expired)
            {
                if (await transitions.TakeOfflineAsync(mitraId, OfflineReasons.BackgroundTimeout, ct))
                    LogBackgroundTimedOut(logger, mitraId);
            }
        }
        while (expired.Count == 100);
        do
        {
            expired = await presence.ClaimExpiredAsync(cutoff, now, 100);
            foreach (var mitraId in expired)
            {
                if (await transitions.TakeOfflineAsync(mitraId, OfflineReasons.HeartbeatTimeout, ct))
                    LogTimedOut(logger, mitraId);
            }
        }
        while (expired.Count == 100);
    }

    /// <summary>
    /// Finishes stale offlines, then compares the mitras online on their streams with Valkey's
    /// online set in short read-only commands, and restores only those that differ, a batch per
    /// script (issue 21 item 5). It used to be one script over every online mitra, which held
    /// Valkey for milliseconds every 5 s even when nothing differed (docs/performance.md).
    /// </summary>
    public async Task ReconcileAsync(CancellationToken ct)
    {
        await transitions.FinishStaleAsync(clock.GetUtcNow() - StaleAfter, ct);
        await using var session = store.QuerySession();
        var online = await session.Query<Mitra>().Where(m => m.IsOnline).Select(m => m.Id).ToListAsync(ct);
        var missing = await presence.FindMissingAsync(online);
        var restored = 0;
        foreach (var batch in missing.Chunk(RestoreBatch))
            restored += (await transitions.RestoreMissingAsync(batch, ct)).Count;
        if (restored > 0)
            LogRestored(logger, restored);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mitra {MitraId} went offline: heartbeat timeout")]
    private static partial void LogTimedOut(ILogger logger, Guid mitraId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mitra {MitraId} went offline: background time over")]
    private static partial void LogBackgroundTimedOut(ILogger logger, Guid mitraId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restored {Count} online mitras missing from Valkey")]
    private static partial void LogRestored(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence sweep failed: {Reason}")]
    private static partial void LogSweepFailed(ILogger logger, string reason);
}
