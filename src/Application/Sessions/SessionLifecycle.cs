using HaloBestie.Application.Common;
using HaloBestie.Application.Pairing;
using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Sessions;
using JasperFx;
using Marten;

namespace HaloBestie.Application.Sessions;

/// <summary>
/// Ending a session, whoever ends it: the session's stream and its mitra's stream (one place
/// freed) in one transaction, then both parties are told and the freed mitra is offered what is
/// still searching. Also the durable timers: the warning and time-up of every session, each
/// recorded once across instances.
/// </summary>
public sealed class SessionLifecycle(IDocumentStore store, SessionNotifications notify, PairingTimers pairing, TimeProvider clock)
{
    /// <param name="guard">Checks the session may be ended by this caller (throws otherwise); runs on the fresh state.</param>
    /// <param name="alsoRecord">Anything to commit in the same transaction (an audit entry).</param>
    public async Task<Session> EndAsync(Guid sessionId, string endedBy, Guid? actorId, string reason, Action<Session> guard, CancellationToken ct,
        Action<IDocumentSession>? alsoRecord = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<Session>(sessionId, ct);
            var current = stream.Aggregate ?? throw new NotFoundException("Session", sessionId);
            guard(current);
            var ended = SessionDecisions.End(current, endedBy, actorId, reason, clock.GetUtcNow());
            stream.AppendOne(ended);
            var mitraStream = await session.Events.FetchForWriting<Mitra>(current.MitraId, ct);
            mitraStream.AppendOne(new MitraSessionEnded(current.MitraId, sessionId, ended.At));
            if (SessionDecisions.ReturnsCredit(current, ended))
                (await session.Events.FetchForWriting<Client>(current.ClientId, ct))
                    .AppendOne(new CreditReturned(current.ClientId, sessionId, current.PaidWith!, "ended-by-staff-within-5-minutes", ended.At));
            alsoRecord?.Invoke(session);
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (Exception e) when (WriteConflicts.IsConflict(e) && attempt < 5)
            {
                continue;
            }

            var result = current.Apply(ended);
            await notify.EndedAsync(result, endedBy, reason, ct);
            await pairing.OfferOpenRequestsToAsync(current.MitraId, ct);
            return result;
        }
    }

    /// <summary>Sends due warnings and ends sessions whose time is up; returns how many sessions this call changed.</summary>
    public async Task<int> TickDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var endHorizon = now + TimeStorage.Precision; // see PairingTimers.ExpireDueAsync
        var warnHorizon = endHorizon + Session.WarningBeforeEnd;
        IReadOnlyList<Guid> due;
        await using (var query = store.QuerySession())
        {
            due = await query.Query<Session>()
                .Where(s => s.Status == SessionStatus.Active && s.EndsAt <= warnHorizon && (s.WarnedAt == null || s.EndsAt <= endHorizon))
                .OrderBy(s => s.EndsAt).Select(s => s.Id).Take(100).ToListAsync(ct);
        }

        var changed = 0;
        foreach (var id in due)
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<Session>(id, ct);
            var current = stream.Aggregate!;
            var events = SessionDecisions.Tick(current, now);
            if (events.Count == 0)
                continue;
            stream.AppendMany(events);
            var ended = events.OfType<SessionEnded>().FirstOrDefault();
            if (ended is not null)
                (await session.Events.FetchForWriting<Mitra>(current.MitraId, ct)).AppendOne(new MitraSessionEnded(current.MitraId, id, now));
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (Exception e) when (WriteConflicts.IsConflict(e))
            {
                continue; // another instance, or the parties themselves, got there first; the next tick decides again
            }

            changed++;
            var firedAt = clock.GetUtcNow();
            if (events.OfType<SessionEndingSoon>().Any())
            {
                ProductMetrics.TimerFired("session-warning", current.WarnAt, firedAt);
                await notify.EndingSoonAsync(current, ct);
            }
            if (ended is not null)
            {
                ProductMetrics.TimerFired("session-end", current.EndsAt, firedAt);
                await notify.EndedAsync(current.Apply(ended), ended.EndedBy, ended.Reason, ct);
                await pairing.OfferOpenRequestsToAsync(current.MitraId, ct);
            }
        }
        return changed;
    }
}
