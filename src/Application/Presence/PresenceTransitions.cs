using HaloBestie.Application.Common;
using HaloBestie.Application.Realtime;
using HaloBestie.Domain.Mitras;
using JasperFx;
using Marten;

namespace HaloBestie.Application.Presence;

/// <summary>
/// The one way a mitra goes online or offline, whoever asks (the mitra, the app lifecycle, staff,
/// the heartbeat sweeper). Each transition holds <see cref="PresenceLock"/> from its Valkey step
/// to its commit, so transitions of one mitra never interleave. Offline: out of the online set
/// first, so no heartbeat revives it, then the event on the stream at most once (the stream's
/// state decides), then the app is told. Online: the event, then into the online set, before the
/// commit. An instance that dies between the two steps of going offline leaves a note in Valkey;
/// the sweeper finishes the job (see <see cref="FinishStaleAsync"/>).
/// </summary>
public sealed class PresenceTransitions(IDocumentStore store, IPresenceStore presence, IRealtime realtime, TimeProvider clock)
{
    /// <summary>
    /// Puts an active mitra online (idempotent: an online mitra is put back into the online set,
    /// after a Valkey restart say). Returns the start of its current online period.
    /// </summary>
    public async Task<DateTimeOffset> GoOnlineAsync(Guid mitraId, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            await PresenceLock.EnterAsync(session, mitraId, ct);
            var now = clock.GetUtcNow();
            var stream = await session.Events.FetchForWriting<Mitra>(mitraId, ct);
            var events = MitraDecisions.GoOnline(stream.Aggregate!, now); // 403 mitra-inactive for a deactivated mitra
            stream.AppendMany(events);
            await presence.MarkOnlineAsync(mitraId, now);
            try
            {
                await session.SaveChangesAsync(ct);
                return stream.Aggregate!.OnlineSince ?? now;
            }
            catch (Exception e)
            {
                // Not recorded (a concurrent session taken, PostgreSQL gone): Valkey must not say online alone.
                if (events.Count > 0)
                    await presence.BeginOfflineAsync(mitraId, now);
                if (WriteConflicts.IsConflict(e) && attempt < 3)
                    continue;
                throw;
            }
        }
    }

    /// <summary>Returns whether this call recorded the transition.</summary>
    public async Task<bool> TakeOfflineAsync(Guid mitraId, string reason, CancellationToken ct)
    {
        var recorded = await AppendOfflineAsync(mitraId, reason, async () =>
        {
            // The sweeper claimed this mitra out of the online set; if it went online again since
            // (PUT /status before this lock), that later choice stands.
            if (reason == OfflineReasons.HeartbeatTimeout && await presence.IsOnlineAsync(mitraId))
                return false;
            await presence.BeginOfflineAsync(mitraId, clock.GetUtcNow());
            return true;
        }, ct);
        if (recorded)
            await AnnounceOfflineAsync(mitraId, reason, ct);
        return recorded;
    }

    /// <summary>
    /// For notes older than any transition takes: makes sure the stream says offline (it does,
    /// unless the instance died mid-way), then drops the note. A mitra that went online again
    /// since (which drops the note) is left alone.
    /// </summary>
    public async Task FinishStaleAsync(DateTimeOffset before, CancellationToken ct)
    {
        foreach (var mitraId in await presence.StaleOfflinesAsync(before))
        {
            var recorded = await AppendOfflineAsync(mitraId, OfflineReasons.HeartbeatTimeout, async () =>
            {
                if (!await presence.IsClosingSinceAsync(mitraId, before))
                    return false;
                await presence.ForgetOfflineAsync(mitraId);
                return true;
            }, ct);
            if (recorded)
                await AnnounceOfflineAsync(mitraId, OfflineReasons.HeartbeatTimeout, ct);
        }
    }

    public async Task AnnounceOfflineAsync(Guid mitraId, string reason, CancellationToken ct)
    {
        if (OfflineReasons.IsServerInitiated(reason))
            await realtime.PublishAsync(Recipient.Mitra(mitraId), RealtimeEvents.PresenceOffline, new { reason }, ct);
    }

    /// <summary>
    /// Under the mitra's presence lock: <paramref name="inValkey"/> does the Valkey step (false: there
    /// is nothing to do), then the offline event is appended if the stream says online.
    /// </summary>
    private async Task<bool> AppendOfflineAsync(Guid mitraId, string reason, Func<Task<bool>> inValkey, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            await PresenceLock.EnterAsync(session, mitraId, ct);
            if (attempt == 0 && !await inValkey())
                return false;
            var stream = await session.Events.FetchForWriting<Mitra>(mitraId, ct);
            if (stream.Aggregate is null)
                return false;
            var events = MitraDecisions.GoOffline(stream.Aggregate, reason, clock.GetUtcNow());
            if (events.Count == 0)
                return false;
            stream.AppendMany(events);
            try
            {
                await session.SaveChangesAsync(ct);
                return true;
            }
            catch (Exception e) when (WriteConflicts.IsConflict(e) && attempt < 3)
            {
                // Someone else changed the stream (a session ended, say): decide again on fresh state.
            }
        }
    }
}
