using HaloBestie.Application.Common;
using HaloBestie.Application.Settings;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using JasperFx;
using Marten;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// The durable side of pairing: expiry is a stored deadline (<see cref="PairingRequest.ExpiresAt"/>)
/// that any instance may act on; the stream's version makes exactly one of them record it. And
/// offers to a mitra who became available while requests were searching.
/// </summary>
public sealed class PairingTimers(IDocumentStore store, PairingNotifications notify, TimeProvider clock)
{
    /// <summary>Expires every searching request past its deadline; returns how many this call expired.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // PostgreSQL keeps microseconds, .NET ticks of 100 ns: look a hair ahead so a deadline
        // rounded up on storage is still found at its exact moment; the decision checks exactly.
        var horizon = now + TimeStorage.Precision;
        IReadOnlyList<Guid> due;
        await using (var query = store.QuerySession())
        {
            due = await query.Query<PairingRequest>()
                .Where(r => r.Status == PairingStatus.Searching && r.ExpiresAt <= horizon)
                .OrderBy(r => r.ExpiresAt).Select(r => r.Id).Take(100).ToListAsync(ct);
        }

        var expired = 0;
        foreach (var id in due)
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<PairingRequest>(id, ct);
            var events = PairingDecisions.Expire(stream.Aggregate!, now);
            if (events.Count == 0)
                continue;
            stream.AppendMany(events);
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (Exception e) when (WriteConflicts.IsConflict(e))
            {
                continue; // another instance (or an accept) got there first
            }
            expired++;
            var request = stream.Aggregate!;
            ProductMetrics.PairingEnded(request, events[0]);
            ProductMetrics.TimerFired("pairing-expiry", request.ExpiresAt, clock.GetUtcNow());
            await notify.ExpiredAsync(request.Apply((PairingExpired)events[0]), ct);
        }
        return expired;
    }

    /// <summary>Offers every open request not yet offered to the mitra, if the mitra is available now.</summary>
    public async Task OfferOpenRequestsToAsync(Guid mitraId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var query = store.QuerySession();
        var mitra = await query.LoadAsync<Mitra>(mitraId, ct);
        var settings = await query.LoadSettingsAsync(ct);
        if (mitra is null || !mitra.IsAvailableUnder(settings.MaxCustomersPerMitra))
            return;

        var open = await query.Query<PairingRequest>()
            .Where(r => r.Status == PairingStatus.Searching && r.ExpiresAt > now && !r.OfferedTo.Contains(mitraId))
            .OrderBy(r => r.RequestedAt).Take(100).ToListAsync(ct);
        foreach (var candidate in open)
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<PairingRequest>(candidate.Id, ct);
            var events = PairingDecisions.Offer(stream.Aggregate!, [mitraId], now);
            if (events.Count == 0)
                continue;
            stream.AppendMany(events);
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (Exception e) when (WriteConflicts.IsConflict(e))
            {
                continue; // the request moved on (taken, cancelled, expired or offered again)
            }
            await notify.OfferAsync(session, stream.Aggregate!, [mitraId], ct);
        }
    }
}
