using System.Diagnostics.Metrics;
using HaloBestie.Application.Common;
using HaloBestie.Application.Push;
using HaloBestie.Application.Realtime;
using HaloBestie.Domain.Devices;
using HaloBestie.Infrastructure.Realtime;
using HaloBestie.Infrastructure.Valkey;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;

namespace HaloBestie.Infrastructure.Push;

/// <summary>
/// Sends the outbox (<see cref="PushOutbox"/>): every host with FCM credentials runs it. A batch
/// of due rows is claimed with <c>for update skip locked</c> in one transaction, sent, and its
/// outcomes written in the same transaction: each row is claimed by one instance at a time, and a
/// host that dies mid-batch releases its rows with its connection, so another one sends them (only
/// a row whose FCM answer arrived before the crash is sent twice; it carries the same collapse
/// key, so the phone shows it once). What it does with each answer is in docs/push.md.
/// </summary>
public sealed partial class PushDelivery(
    NpgsqlDataSource dataSource,
    IDocumentStore store,
    FcmClient fcm,
    PushWake wake,
    IConnectionMultiplexer valkey,
    ValkeyKeys keys,
    TimeProvider clock,
    ILogger<PushDelivery> logger) : BackgroundService
{
    public const int BatchSize = 200;
    public const int Parallelism = 32;

    /// <summary>How often an idle worker looks for rows queued by other instances or due for a retry.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxBackOff = TimeSpan.FromMinutes(5);

    private readonly string _schema = store.Options.DatabaseSchemaName;
    private long _pausedUntilTicks; // UTC ticks, real time: FCM's Retry-After or an outage's back-off
    private DateTimeOffset _lastGauge = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                var pause = Paused;
                if (pause > TimeSpan.Zero)
                    await Task.Delay(pause, stoppingToken);
                more = await DeliverBatchAsync(stoppingToken) == BatchSize;
                await RefreshGaugesAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, e.GetType().Name, e.Message);
            }
            if (!more)
                await wake.WaitAsync(Poll, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Claims, sends and settles one batch; returns how many rows it claimed.</summary>
    public async Task<int> DeliverBatchAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var items = await ClaimAsync(connection, transaction, ct);
        if (items.Count == 0)
        {
            await transaction.CommitAsync(ct);
            return 0;
        }

        var streaming = await ClientsStreamingAsync(items);
        var outcomes = new Outcome[items.Count];
        // Not cancelled by a stopping host: each send is bounded by its timeout, and a row sent but
        // not settled would be sent again by another instance.
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (i, token) => outcomes[i] = await SettleAsync(items[i], streaming, token));
        // Cancelled from here on, the rows would stay as they were and be sent again: the transaction must finish.
        await WriteOutcomesAsync(connection, transaction, items, outcomes, CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return items.Count;
    }

    private async Task<Outcome> SettleAsync(PushItem item, IReadOnlySet<Guid> streaming, CancellationToken ct)
    {
        if (item.FcmToken is null)
            return Outcome.Drop("installation-gone");
        if (item.ExpiresAt <= clock.GetUtcNow())
            return Outcome.Drop("expired");
        if (item.SkipWhileStreaming && streaming.Contains(item.OwnerId))
            return Outcome.Drop("streaming");
        if (Paused is { Ticks: > 0 } paused)
            return Outcome.Later(paused, "paused", countsAsAttempt: false);

        var answer = await fcm.SendAsync(item, ct);
        PushMetrics.Answered(item.Event, answer);
        switch (answer.Result)
        {
            case FcmResult.Sent:
                return Outcome.Done;
            case FcmResult.Unregistered:
                return Outcome.Unregistered(answer.Code);
            case FcmResult.Rejected:
                LogRejected(logger, item.Event, item.InstallationId, answer.Code);
                return Outcome.Drop("rejected");
            default:
                if (answer.RetryAfter is { } wait)
                {
                    // FCM asks the whole project to slow down: nothing more leaves this instance until then.
                    PauseFor(wait, answer.Code);
                    return Outcome.Later(wait, answer.Code, countsAsAttempt: true);
                }
                // FCM unavailable, unreachable or throttling without a Retry-After: the rest of the batch waits too, so
                // that an outage is not hammered and the batch's transaction does not stay open
                // through a timeout per row.
                var backOff = BackOff(item.Attempts);
                PauseFor(backOff < MaxOutagePause ? backOff : MaxOutagePause, answer.Code);
                return Outcome.Later(backOff, answer.Code, countsAsAttempt: true);
        }
    }

    /// <summary>The longest this instance stops sending after FCM failed without saying how long to wait.</summary>
    public static readonly TimeSpan MaxOutagePause = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Stops this instance's sending until <paramref name="wait"/> from now (a pause already longer
    /// stays). A pause that begins (none was running) is logged once, with the FCM answer that
    /// caused it: every push of the instance waits behind it.
    /// </summary>
    private void PauseFor(TimeSpan wait, string code)
    {
        var now = DateTimeOffset.UtcNow.UtcTicks;
        var until = now + wait.Ticks;
        var current = Interlocked.Read(ref _pausedUntilTicks);
        while (until > current)
        {
            var seen = Interlocked.CompareExchange(ref _pausedUntilTicks, until, current);
            if (seen == current)
            {
                if (current <= now)
                    LogPaused(logger, wait.TotalSeconds, code);
                return;
            }
            current = seen;
        }
    }

    /// <summary>How long this instance still waits before sending (FCM's Retry-After, or an outage's back-off).</summary>
    private TimeSpan Paused => new DateTimeOffset(Interlocked.Read(ref _pausedUntilTicks), TimeSpan.Zero) - DateTimeOffset.UtcNow;

    /// <summary>1 s, 2 s, 4 s … up to five minutes, ±20 % so that instances do not retry in step.</summary>
    public static TimeSpan BackOff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackOff.TotalSeconds, Math.Pow(2, Math.Min(attempts, 20))) * (0.8 + Random.Shared.NextDouble() * 0.4));

    /// <summary>
    /// Locks the next due rows (the outbox alone, in due order), then finds each one's installation
    /// by its primary key: a row whose installation now belongs to another account, or is gone,
    /// gets no token and is dropped. The devices are joined on their key only, with the owner
    /// compared in the select list, so that no plan can reach them through the owner's index: with
    /// statistics from before an owner had many installations, PostgreSQL did, and scanned all of
    /// that owner's installations for every row (3,000 per row, 0.1–0.4 s per claim in the full
    /// benchmark run; docs/performance.md, "Push drain in the full run").
    /// </summary>
    private async Task<List<PushItem>> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var claim = new NpgsqlCommand($"""
            with claimed as (
              select o.id, o.installation_id, o.owner_kind, o.owner_id, o.event, o.data, o.title, o.body, o.high_priority,
                     o.collapse_key, o.expires_at, o.skip_while_streaming, o.attempts, o.due_at
              from {_schema}.{PushOutbox.Table} o
              where o.due_at <= now()
              order by o.due_at
              limit {BatchSize}
              for update skip locked)
            select c.id, c.installation_id, c.owner_kind, c.owner_id, c.event, c.data::text, c.title, c.body, c.high_priority,
                   c.collapse_key, c.expires_at, c.skip_while_streaming, c.attempts,
                   case when d.owner_id = c.owner_id and d.owner_kind = c.owner_kind then d.data ->> 'fcmToken' end,
                   case when d.owner_id = c.owner_id and d.owner_kind = c.owner_kind then d.data ->> 'platform' end
            from claimed c
            left join {_schema}.mt_doc_device d on d.id = c.installation_id
            order by c.due_at
            """, connection, transaction);
        var items = new List<PushItem>();
        await using var reader = await claim.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(new PushItem(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetGuid(3), reader.GetString(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetBoolean(8),
                reader.GetString(9), reader.GetFieldValue<DateTimeOffset>(10), reader.GetBoolean(11), reader.GetInt32(12),
                reader.IsDBNull(13) ? null : reader.GetString(13), reader.IsDBNull(14) ? null : reader.GetString(14)));
        }
        return items;
    }

    /// <summary>The clients among the batch's addressees with an event stream open on any instance (each stream subscribes to its channel).</summary>
    private async Task<IReadOnlySet<Guid>> ClientsStreamingAsync(List<PushItem> items)
    {
        var clients = items.Where(i => i.SkipWhileStreaming && i.OwnerKind == DeviceOwners.Client).Select(i => i.OwnerId).Distinct().ToList();
        if (clients.Count == 0)
            return new HashSet<Guid>();
        try
        {
            var args = new List<object> { "NUMSUB" };
            args.AddRange(clients.Select(id => (object)(keys.Prefix + ValkeyRealtime.Channel(Recipient.Client(id)))));
            var answer = (RedisResult[])(await valkey.GetDatabase().ExecuteAsync("PUBSUB", args))!;
            var open = new HashSet<Guid>();
            for (var i = 0; i + 1 < answer.Length; i += 2)
            {
                if ((long)answer[i + 1] > 0)
                    open.Add(clients[i / 2]);
            }
            return open;
        }
        catch (Exception e) when (ValkeyFaults.IsUnavailable(e))
        {
            return new HashSet<Guid>(); // not known: better a push too many than a message missed
        }
    }

    private async Task WriteOutcomesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<PushItem> items, Outcome[] outcomes, CancellationToken ct)
    {
        var finished = new List<Guid>();
        var laterIds = new List<Guid>();
        var laterSeconds = new List<double>();
        var laterAttempts = new List<int>();
        var laterErrors = new List<string>();
        var deadInstallations = new List<string>();
        var deadTokens = new List<string>();
        for (var i = 0; i < items.Count; i++)
        {
            var (item, outcome) = (items[i], outcomes[i]);
            switch (outcome.Kind)
            {
                case OutcomeKind.Later:
                    laterIds.Add(item.Id);
                    laterSeconds.Add(outcome.Wait.TotalSeconds);
                    laterAttempts.Add(outcome.CountsAsAttempt ? 1 : 0);
                    laterErrors.Add(outcome.Reason);
                    break;
                case OutcomeKind.Unregistered:
                    finished.Add(item.Id);
                    deadInstallations.Add(item.InstallationId);
                    deadTokens.Add(item.FcmToken!);
                    LogUnregistered(logger, item.InstallationId, outcome.Reason);
                    break;
                default:
                    if (outcome.Kind == OutcomeKind.Dropped)
                        PushMetrics.Dropped(item.Event, outcome.Reason);
                    finished.Add(item.Id);
                    break;
            }
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        if (finished.Count > 0)
            batch.BatchCommands.Add(Command($"delete from {_schema}.{PushOutbox.Table} where id = any($1)", finished.ToArray()));
        if (laterIds.Count > 0)
        {
            batch.BatchCommands.Add(Command($"""
                update {_schema}.{PushOutbox.Table} o
                set due_at = now() + make_interval(secs => l.wait), attempts = o.attempts + l.attempt, last_error = l.error
                from unnest($1::uuid[], $2::float8[], $3::int[], $4::text[]) as l(id, wait, attempt, error)
                where o.id = l.id
                """, laterIds.ToArray(), laterSeconds.ToArray(), laterAttempts.ToArray(), laterErrors.ToArray()));
        }
        if (deadInstallations.Count > 0)
        {
            // Only if the installation still holds the token FCM refused (the app may have registered a new one meanwhile).
            batch.BatchCommands.Add(Command($"""
                delete from {_schema}.mt_doc_device d
                using unnest($1::text[], $2::text[]) as x(id, token)
                where d.id = x.id and d.data ->> 'fcmToken' = x.token
                """, deadInstallations.ToArray(), deadTokens.ToArray()));
        }
        if (batch.BatchCommands.Count > 0)
            await batch.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var p in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        return command;
    }

    /// <summary>Outbox depth and the age of its oldest row, for the gauges; at most every 10 s.</summary>
    private async Task RefreshGaugesAsync(CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        if (now - _lastGauge < TimeSpan.FromSeconds(10))
            return;
        _lastGauge = now;
        await using var command = dataSource.CreateCommand(
            $"select count(*), coalesce(extract(epoch from now() - min(created_at)), 0)::float8 from {_schema}.{PushOutbox.Table}");
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (await reader.ReadAsync(ct))
            PushMetrics.Outbox(reader.GetInt64(0), reader.GetDouble(1));
    }

    private enum OutcomeKind { Done, Dropped, Later, Unregistered }

    private readonly record struct Outcome(OutcomeKind Kind, string Reason, TimeSpan Wait, bool CountsAsAttempt)
    {
        public static readonly Outcome Done = new(OutcomeKind.Done, "sent", TimeSpan.Zero, false);

        public static Outcome Drop(string reason) => new(OutcomeKind.Dropped, reason, TimeSpan.Zero, false);

        public static Outcome Later(TimeSpan wait, string reason, bool countsAsAttempt) => new(OutcomeKind.Later, reason, wait, countsAsAttempt);

        public static Outcome Unregistered(string code) => new(OutcomeKind.Unregistered, code, TimeSpan.Zero, false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push delivery failed, retried at the next poll: {Kind}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FCM refused a {Event} push to installation {InstallationId} ({Code}); dropped")]
    private static partial void LogRejected(ILogger logger, string @event, string installationId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push sending paused on this instance for {Seconds:0.0} s: FCM answered {Code}")]
    private static partial void LogPaused(ILogger logger, double seconds, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Installation {InstallationId} removed: FCM answered {Code}")]
    private static partial void LogUnregistered(ILogger logger, string installationId, string code);
}

/// <summary>
/// Push metrics (docs/operations.md): <c>halobestie.push.sent</c> (by event),
/// <c>halobestie.push.failed</c> (by FCM error code), <c>halobestie.push.dropped</c> (expired,
/// streaming, installation gone, rejected), the outbox's depth and its oldest row's age.
/// </summary>
public static class PushMetrics
{
    private static readonly Meter Meter = new(ProductMetrics.MeterName);
    private static readonly Counter<long> Sent = Meter.CreateCounter<long>("halobestie.push.sent", description: "Pushes FCM accepted, by event");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("halobestie.push.failed", description: "FCM answers other than success, by FCM error code");
    private static readonly Counter<long> DroppedPushes = Meter.CreateCounter<long>("halobestie.push.dropped", description: "Queued pushes not sent, by reason");
    private static long _depth;
    private static double _oldestSeconds;

    static PushMetrics()
    {
        Meter.CreateObservableGauge("halobestie.push.outbox.depth", () => Volatile.Read(ref _depth), description: "Pushes queued in the outbox (read every 10 s)");
        Meter.CreateObservableGauge("halobestie.push.outbox.oldest_age", () => Volatile.Read(ref _oldestSeconds), unit: "s", description: "Age of the oldest queued push (read every 10 s)");
    }

    public static void Outbox(long depth, double oldestSeconds)
    {
        Volatile.Write(ref _depth, depth);
        Volatile.Write(ref _oldestSeconds, oldestSeconds);
    }

    public static void Answered(string @event, FcmAnswer answer)
    {
        if (answer.Result == FcmResult.Sent)
            Sent.Add(1, new KeyValuePair<string, object?>("event", @event));
        else
            Failed.Add(1, new KeyValuePair<string, object?>("code", answer.Code));
    }

    public static void Dropped(string @event, string reason) =>
        DroppedPushes.Add(1, new KeyValuePair<string, object?>("event", @event), new KeyValuePair<string, object?>("reason", reason));
}
