using HaloBestie.Application.DataRights;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaloBestie.Infrastructure.Workers;

/// <summary>
/// Every minute, one public instance (<see cref="WorkerTicks"/>) runs a <see cref="TranscriptRetention"/>
/// pass: unfinished erasures completed, conversations past <c>transcriptRetentionDays</c> erased in
/// batches. A pass that erased a full batch is followed at once by the next.
/// </summary>
public sealed partial class DataRightsWorker(TranscriptRetention retention, WorkerTicks ticks, ILogger<DataRightsWorker> logger) : BackgroundService
{
    public const string Name = "data-rights";
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!await ticks.TryTakeAsync(Name, Interval))
            {
                WorkerMetrics.Tick(Name, WorkerMetrics.Skipped);
                continue;
            }
            try
            {
                TranscriptRetention.Pass pass;
                do
                {
                    pass = await retention.RunOnceAsync(stoppingToken);
                    if (pass.ErasuresFinished + pass.ConversationsErased > 0)
                        LogPass(logger, pass.ErasuresFinished, pass.ConversationsErased);
                }
                while (pass.ConversationsErased == TranscriptRetention.BatchSize && !stoppingToken.IsCancellationRequested);
                WorkerMetrics.Tick(Name, WorkerMetrics.Ran);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                WorkerMetrics.Tick(Name, WorkerMetrics.Failed);
                LogFailed(logger, e.GetType().Name, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Data rights: {Erasures} erasure(s) finished, {Conversations} conversation(s) past retention erased")]
    private static partial void LogPass(ILogger logger, int erasures, int conversations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Data-rights pass failed: {Error}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string error, string reason);
}
