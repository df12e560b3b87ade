using HaloBestie.Application.Audit;
using HaloBestie.Application.Common;
using HaloBestie.Application.Realtime;
using HaloBestie.Domain;
using HaloBestie.Domain.Mitras;
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
public sealed class PresenceTransitions(IDocumentStore store, StreamWrites writes, IPresenceStore presence, IRealtime realtime, TimeProvider clock)
{
    /// <summary>
    /// Puts an active mitra online (idempotent: an online mitra is put back into the online set,
    /// after a Valkey restart say). Returns the start of its current online period.
    /// </summary>
    public async Task<DateTimeOffset> GoOnlineAsync(Guid mitraId, CancellationToken ct)
    {
        var markedOnline = (Since: (DateTimeOffset?)null, Any: false);
        try
        {
            return await writes.RunAsync("GoOnline", async session =>
            {
                await session.BeginTransactionAsync(ct);
                await PresenceLock.EnterAsync(session, mitraId, ct);
                var now = clock.GetUtcNow();
                var stream = await session.Events.FetchForWriting<Mitra>(mitraId, ct);
                var events = MitraDecisions.GoOnline(stream.Aggregate!, now); // 403 mitra-inactive for a deactivated mitra
                stream.AppendMany(events);
                await presence.MarkOnlineAsync(mitraId, now);
                markedOnline = (now, markedOnline.Any || events.Count > 0);
                return stream.Aggregate!.OnlineSince ?? now;
            }, ct);
        }
        catch when (markedOnline.Any)
        {
            // Not recorded (a deactivation meanwhile, PostgreSQL gone): Valkey must not say online alone.
            await presence.BeginOfflineAsync(mitraId, markedOnline.Since!.Value);
            throw;
        }
    }

    /// <summary>Returns whether this call recorded the transition.</summary>
    /// <param name="alsoRecord">Anything to commit in the transition's transaction, whether or not the mitra was online (a staff action's audit entry).</param>
    public async Task<bool> TakeOfflineAsync(Guid mitraId, string reason, CancellationToken ct, Action<IDocumentSession>? alsoRecord = null)
    {
        var recorded = await AppendOfflineAsync(mitraId, reason, async () =>
        {
            // The sweeper claimed this mitra out of the online set; if it went online again since
            // (PUT /status before this lock), that later choice stands.
            if (reason is OfflineReasons.HeartbeatTimeout or OfflineReasons.BackgroundTimeout && await presence.IsOnlineAsync(mitraId))
                return false;
            await presence.BeginOfflineAsync(mitraId, clock.GetUtcNow());
            return true;
        }, ct, alsoRecord);
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

    /// <summary>
    /// Staff deactivate a mitra: an online one goes offline first (reason <c>deactivated</c>), out
    /// of Valkey's online set before the events commit, and is told so; its streams are closed.
    /// Audited. Returns the events (none: it was inactive already, nothing is recorded).
    /// </summary>
    public async Task<IReadOnlyList<object>> DeactivateAsync(Guid mitraId, string? reason, StaffActor by, CancellationToken ct)
    {
        var events = await writes.RunAsync("DeactivateMitra", async session =>
        {
            await session.BeginTransactionAsync(ct);
            await PresenceLock.EnterAsync(session, mitraId, ct);
            var stream = await session.Events.FetchForWriting<Mitra>(mitraId, ct);
            var mitra = stream.Aggregate ?? throw new NotFoundException("Mitra", mitraId);
            var now = clock.GetUtcNow();
            var events = MitraDecisions.Deactivate(mitra, reason, by.Id, now);
            if (events.Count == 0)
                return events;
            await presence.BeginOfflineAsync(mitraId, now);
            stream.AppendMany(events);
            session.Audit(by, "mitra.deactivated", "mitra", mitraId, now, reason);
            return events;
        }, ct);
        if (events.OfType<MitraWentOffline>().Any())
            await AnnounceOfflineAsync(mitraId, OfflineReasons.Deactivated, ct);
        if (events.Count > 0)
            await realtime.CloseStreamsAsync(Recipient.Mitra(mitraId), ct);
        return events;
    }

    /// <summary>
    /// Puts back into Valkey the mitras the stream said were online but Valkey lacks (it restarted
    /// empty). The stream was read before this call: an offline transition that committed and
    /// dropped its note in between would be undone, so each mitra put back is read again under
    /// its presence lock, and taken out again when it is offline by now (the lost case is rare:
    /// a restore restores nobody almost always). Returns those that stay restored.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> RestoreMissingAsync(IReadOnlyCollection<Guid> onlineInStream, CancellationToken ct)
    {
        var restored = await presence.RestoreMissingAsync(onlineInStream, clock.GetUtcNow());
        var kept = new List<Guid>(restored.Count);
        foreach (var mitraId in restored)
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            await PresenceLock.EnterAsync(session, mitraId, ct);
            if ((await session.Events.FetchForWriting<Mitra>(mitraId, ct)).Aggregate is { IsOnline: true })
                kept.Add(mitraId);
            else
                await presence.BeginOfflineAsync(mitraId, clock.GetUtcNow()); // out again; the sweeper drops the note later
        }
        return kept;
    }

    /// <summary>
    /// Every open stream of the mitra learns it is offline, whatever the reason: presence belongs
    /// to the account, so when one of its devices goes offline (<c>manual</c>, <c>app-closed</c>)
    /// the others must not go on showing "online" (docs/realtime.md "Several devices").
    /// </summary>
    public Task AnnounceOfflineAsync(Guid mitraId, string reason, CancellationToken ct) =>
        realtime.PublishAsync(Recipient.Mitra(mitraId), new AppEvents.PresenceOffline(reason), ct);

    /// <summary>
    /// Under the mitra's presence lock: <paramref name="inValkey"/> does the Valkey step (false: there
    /// is nothing to do), then the offline event is appended if the stream says online.
    /// </summary>
    private async Task<bool> AppendOfflineAsync(Guid mitraId, string reason, Func<Task<bool>> inValkey, CancellationToken ct, Action<IDocumentSession>? alsoRecord = null)
    {
        var valkeyDone = false;
        return await writes.RunAsync("GoOffline", async session =>
        {
            await session.BeginTransactionAsync(ct);
            await PresenceLock.EnterAsync(session, mitraId, ct);
            alsoRecord?.Invoke(session);
            if (!valkeyDone && !await inValkey())
                return false;
            valkeyDone = true; // a retry (someone else changed the stream: a session ended, say) decides again on fresh state
            var stream = await session.Events.FetchForWriting<Mitra>(mitraId, ct);
            if (stream.Aggregate is null)
                return false;
            var events = MitraDecisions.GoOffline(stream.Aggregate, reason, clock.GetUtcNow());
            stream.AppendMany(events);
            return events.Count > 0;
        }, ct);
    }
}
