using HaloBestie.Application.Common;
using HaloBestie.Application.Push;
using HaloBestie.Application.Settings;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Push;
using Marten;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// The durable side of pairing: expiry is a stored deadline (<see cref="PairingRequest.ExpiresAt"/>)
/// that any instance may act on; the stream's version makes exactly one of them record it. And
/// offers to a mitra who became available while requests were searching.
/// </summary>
public sealed class PairingTimers(IDocumentStore store, StreamWrites writes, PairingNotifications notify, PushOutbox outbox, TimeProvider clock)
{
    /// <summary>
    /// Expires every searching request past its deadline (<see cref="DueTransitions"/>: several at
    /// once, up to a thousand a pass); returns how many this call expired.
    /// </summary>
    public Task<int> ExpireDueAsync(CancellationToken ct) =>
        DueTransitions.RunAsync(DueAsync, id => ExpireAsync(id, ct), ct);

    private async Task<IReadOnlyList<Guid>> DueAsync(CancellationToken ct)
    {
        // PostgreSQL keeps microseconds, .NET ticks of 100 ns: look a hair ahead so a deadline
        // rounded up on storage is still found at its exact moment; the decision checks exactly.
        var horizon = clock.GetUtcNow() + TimeStorage.Precision;
        await using var query = store.QuerySession();
        return await query.Query<PairingRequest>()
            .Where(r => r.Status == PairingStatus.Searching && r.ExpiresAt <= horizon)
            .OrderBy(r => r.ExpiresAt).Select(r => r.Id).Take(DueTransitions.BatchSize).ToListAsync(ct);
    }

    private async Task<bool> ExpireAsync(Guid id, CancellationToken ct)
    {
        // Another instance (or an accept, a cancel) may get there first: the decision then finds
        // the request closed and records nothing. The moment recorded is the decision's own.
        var (request, events) = await writes.RunAsync("ExpirePairingRequest", async session =>
        {
            var now = clock.GetUtcNow();
            var stream = await session.Events.FetchForWriting<PairingRequest>(id, ct);
            var events = PairingDecisions.Expire(stream.Aggregate!, now);
            stream.AppendMany(events);
            if (events.Count > 0)
                outbox.Enqueue(session, PushDecisions.OnExpiry(stream.Aggregate!, ((PairingExpired)events[0]).Reason, now));
            return (stream.Aggregate!, events);
        }, ct);
        if (events.Count == 0)
            return false;
        ProductMetrics.PairingEnded(request, events[0]);
        ProductMetrics.TimerFired("pairing-expiry", request.ExpiresAt, clock.GetUtcNow());
        await notify.ExpiredAsync(request.Apply((PairingExpired)events[0]), ct);
        return true;
    }

    /// <summary>Offers every open request not yet offered to the mitra, if the mitra is available now.</summary>
    public async Task OfferOpenRequestsToAsync(Guid mitraId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        IReadOnlyList<Guid> open;
        await using (var query = store.QuerySession())
        {
            var mitra = await query.LoadAsync<Mitra>(mitraId, ct);
            var settings = await query.LoadSettingsAsync(ct);
            if (mitra is null || !mitra.IsAvailableUnder(settings.MaxCustomersPerMitra))
                return;
            open = await query.Query<PairingRequest>()
                .Where(r => r.Status == PairingStatus.Searching && r.ExpiresAt > now && !r.OfferedTo.Contains(mitraId))
                .OrderBy(r => r.RequestedAt).Select(r => r.Id).Take(100).ToListAsync(ct);
        }
        foreach (var requestId in open)
            await OfferAsync(requestId, [mitraId], ct);
    }

    /// <summary>
    /// Run by a new request after its commit: a mitra who became available while the request was
    /// being made looked for searching requests before this one was committed, and the request was
    /// offered only to who was available before. Whoever is available now and was not considered
    /// gets it. (Anyone who becomes available after this read finds the request committed.)
    /// </summary>
    public async Task OfferToLateComersAsync(Guid requestId, IReadOnlyCollection<Guid> considered, CancellationToken ct)
    {
        List<Guid> lateComers;
        await using (var query = store.QuerySession())
            lateComers = (await query.AvailableMitraIdsAsync(ct)).Except(considered).ToList();
        if (lateComers.Count > 0)
            await OfferAsync(requestId, lateComers, ct);
    }

    /// <summary>
    /// Appends the offer to the request's stream and tells the mitras. A write conflict means the
    /// request moved meanwhile (another offer, a decline, the accept, the expiry): the write decides
    /// again on what it is now, so two mitras becoming available at once both get it.
    /// </summary>
    private async Task OfferAsync(Guid requestId, IReadOnlyCollection<Guid> mitraIds, CancellationToken ct)
    {
        var (request, client, offered) = await writes.RunAsync("OfferPairingRequest", async session =>
        {
            var stream = await session.Events.FetchForWriting<PairingRequest>(requestId, ct);
            if (stream.Aggregate is null)
                return ((PairingRequest?)null, (PairingNotifications.ClientShown?)null, (IReadOnlyList<object>)[]);
            var events = PairingDecisions.Offer(stream.Aggregate, mitraIds, clock.GetUtcNow()); // none once closed, or offered to them
            stream.AppendMany(events);
            if (events.Count > 0)
                outbox.Enqueue(session, PushDecisions.Offered(stream.Aggregate, ((PairingOffered)events[0]).MitraIds));
            return ((PairingRequest?)stream.Aggregate, events.Count == 0 ? null : await PairingNotifications.ClientShownAsync(session, stream.Aggregate.ClientId, ct), events);
        }, ct);
        if (offered.Count > 0)
            await notify.OfferedAsync(request!, client!, ((PairingOffered)offered[0]).MitraIds, ct);
    }
}
