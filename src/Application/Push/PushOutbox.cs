using System.Collections.Concurrent;
using System.Text.Json;
using HaloBestie.Domain.Push;
using Marten;
using Marten.Services;

namespace HaloBestie.Application.Push;

/// <summary>Whether this deployment sends pushes (FCM credentials configured); nothing is queued when it does not.</summary>
public sealed record PushSwitch(bool Enabled);

/// <summary>
/// Wakes this instance's outbox worker when a change that queued pushes has committed, so a push
/// leaves at once instead of at the next poll. Other instances find the rows at their next poll.
/// </summary>
public sealed class PushWake : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up drains everything queued so far.
        }
    }

    /// <summary>Waits for a signal, at most <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    public void Dispose() => _signal.Dispose();
}

/// <summary>
/// The durable outbox of pushes (DESIGN.md, PRODUCT.md §10, ADR 0026): <see cref="Enqueue"/> adds,
/// to the session of the change that causes it, one statement that writes a row per (push,
/// installation) of the addressed accounts — resolved in PostgreSQL, in the same transaction, so a
/// push is committed exactly when its change is, and no extra round trip is spent on the way.
/// The worker (Infrastructure/Push) claims and sends the rows.
/// </summary>
public sealed class PushOutbox(PushSwitch push, PushWake wake)
{
    /// <summary>The outbox's table, in the Marten schema (created with the other tables).</summary>
    public const string Table = "hb_push_outbox";

    private readonly ConcurrentDictionary<string, (string Insert, string Withdraw)> _sql = new();
    private readonly WakeAfterCommit _wakeAfterCommit = new(wake);

    public bool Enabled => push.Enabled;

    /// <summary>Queues <paramref name="work"/> (nothing when null, or when push is off) in <paramref name="session"/>.</summary>
    public void Enqueue(IDocumentSession session, PushWork? work)
    {
        if (work is null || !push.Enabled || work.OwnerIds.Count == 0)
            return;
        var (insert, withdraw) = _sql.GetOrAdd(session.DocumentStore.Options.DatabaseSchemaName, Statements);
        var owners = work.OwnerIds.Distinct().ToArray();
        if (work.Event == PushDecisions.Events.PairingClosed)
        {
            // Offers of the request still queued for these mitras are not sent any more (one being
            // sent right now is left to finish: the withdrawal follows it, with the same collapse key).
            session.QueueSqlCommand(withdraw, work.CollapseKey, owners);
        }
        session.QueueSqlCommand(insert,
            work.Event,
            JsonSerializer.Serialize(work.Data),
            (object?)work.Notice?.Title ?? DBNull.Value,
            (object?)work.Notice?.Body ?? DBNull.Value,
            work.HighPriority,
            work.CollapseKey,
            work.ExpiresAt.ToUniversalTime(),
            work.SkipWhileStreaming,
            work.OwnerKind,
            owners);
        if (!session.Listeners.Contains(_wakeAfterCommit))
            session.Listeners.Add(_wakeAfterCommit);
    }

    /// <summary>Deletes every push still queued for an account (its erasure): a row being sent right now is waited for.</summary>
    public static void Forget(IDocumentSession session, string ownerKind, Guid ownerId) =>
        session.QueueSqlCommand($"delete from {session.DocumentStore.Options.DatabaseSchemaName}.{Table} where owner_kind = ? and owner_id = ?", ownerKind, ownerId);

    /// <summary>Queues each of <paramref name="works"/>.</summary>
    public void Enqueue(IDocumentSession session, IEnumerable<PushWork?> works)
    {
        foreach (var work in works)
            Enqueue(session, work);
    }

    private static (string, string) Statements(string schema) => (
        $"""
        insert into {schema}.{Table} (id, installation_id, owner_kind, owner_id, event, data, title, body, high_priority, collapse_key, expires_at, skip_while_streaming, created_at, due_at, attempts)
        select gen_random_uuid(), d.id, d.owner_kind, d.owner_id, ?, ?::jsonb, ?::text, ?::text, ?, ?, ?, ?, now(), now(), 0
        from {schema}.mt_doc_device d
        where d.owner_kind = ? and d.owner_id = any(?)
        """,
        $"""
        delete from {schema}.{Table} where id in (
          select id from {schema}.{Table}
          where collapse_key = ? and event = '{PushDecisions.Events.PairingOffered}' and owner_id = any(?)
          for update skip locked)
        """);

    private sealed class WakeAfterCommit(PushWake wake) : DocumentSessionListenerBase
    {
        public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
        {
            wake.Signal();
            return Task.CompletedTask;
        }
    }
}
