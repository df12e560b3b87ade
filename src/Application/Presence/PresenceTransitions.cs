using HaloBestie.Application.Common;
using HaloBestie.Application.Realtime;
using HaloBestie.Domain.Mitras;
using JasperFx;
using Marten;

namespace HaloBestie.Application.Presence;

/// <summary>
/// The one way a mitra goes offline, whoever asks (the mitra, the app lifecycle, staff, the
/// heartbeat sweeper): out of the online set first, so no heartbeat revives it, then the event on
/// the stream at most once (the stream's state decides), then the app is told. An instance that
/// dies between the two steps leaves a note in Valkey; the sweeper finishes the job (see
/// <see cref="FinishStaleAsync"/>).
/// </summary>
public sealed class PresenceTransitions(IDocumentStore store, IPresenceStore presence, IRealtime realtime, TimeProvider clock)
{
    /// <summary>Returns whether this call recorded the transition.</summary>
    public async Task<bool> TakeOfflineAsync(Guid mitraId, string reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await presence.BeginOfflineAsync(mitraId, now);
        var recorded = await AppendOfflineAsync(mitraId, reason, now, ct);
        if (recorded)
            await AnnounceOfflineAsync(mitraId, reason, ct);
        return recorded;
    }

    /// <summary>
    /// For notes older than any transition takes: makes sure the stream says offline (it does,
    /// unless the instance died mid-way), then drops the note.
    /// </summary>
    public async Task FinishStaleAsync(DateTimeOffset before, CancellationToken ct)
    {
        foreach (var mitraId in await presence.StaleOfflinesAsync(before))
        {
            if (await AppendOfflineAsync(mitraId, OfflineReasons.HeartbeatTimeout, clock.GetUtcNow(), ct))
                await AnnounceOfflineAsync(mitraId, OfflineReasons.HeartbeatTimeout, ct);
            await presence.ForgetOfflineAsync(mitraId);
        }
    }

    public async Task AnnounceOfflineAsync(Guid mitraId, string reason, CancellationToken ct)
    {
        if (OfflineReasons.IsServerInitiated(reason))
            await realtime.PublishAsync(Recipient.Mitra(mitraId), RealtimeEvents.PresenceOffline, new { reason }, ct);
    }

    private async Task<bool> AppendOfflineAsync(Guid mitraId, string reason, DateTimeOffset now, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<Mitra>(mitraId, ct);
            if (stream.Aggregate is null)
                return false;
            var events = MitraDecisions.GoOffline(stream.Aggregate, reason, now);
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
                // Someone else changed the stream (perhaps the same transition): decide again on fresh state.
            }
        }
    }
}
