using HaloBestie.Application.Common;
using HaloBestie.Application.Pairing;
using HaloBestie.Application.Push;
using HaloBestie.Domain.Push;
using HaloBestie.Domain.Sessions;
using Marten;

namespace HaloBestie.Application.Sessions;

/// <summary>
/// Session time-up, a durable timer (PRODUCT.md: the warning 5 minutes before the end, then the
/// end itself): every instance's <c>DurableTimersWorker</c> calls <see cref="RunDueAsync"/> every
/// second; the session's stream version makes each warning and each time-up recorded once.
/// </summary>
public sealed class SessionTimeUp(IDocumentStore store, StreamWrites writes, SessionNotifications notify, PairingTimers pairing, PushOutbox outbox, TimeProvider clock)
{
    /// <summary>Sends due warnings and ends sessions whose time is up; returns how many sessions this call changed.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
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
            // Another instance, or the parties themselves, may get there first: the decision then
            // finds nothing left to do.
            var (current, events) = await writes.RunAsync("SessionTimeUp", async session =>
            {
                var stream = await session.Events.FetchForExclusiveWriting<Session>(id, ct); // ordered with the conversation's sends
                var events = SessionDecisions.Tick(stream.Aggregate!, now);
                stream.AppendMany(events);
                if (events.OfType<SessionEndingSoon>().Any())
                    outbox.Enqueue(session, PushDecisions.EndingSoon(stream.Aggregate!));
                if (events.OfType<SessionEnded>().FirstOrDefault() is { } ended)
                {
                    await SessionLifecycle.AppendReleaseAsync(session, stream.Aggregate!, ended, ct);
                    outbox.Enqueue(session, PushDecisions.Ended(stream.Aggregate!.Then(events), now));
                }
                return (stream.Aggregate!, events);
            }, ct);
            if (events.Count == 0)
                continue;

            changed++;
            var firedAt = clock.GetUtcNow();
            if (events.OfType<SessionEndingSoon>().Any())
            {
                ProductMetrics.TimerFired("session-warning", current.WarnAt, firedAt);
                await notify.EndingSoonAsync(current, events.OfType<MessageSent>().Where(m => m.Kind == SystemMessageKinds.EndingSoon), ct);
            }
            if (events.OfType<SessionEnded>().FirstOrDefault() is { } timeUp)
            {
                ProductMetrics.TimerFired("session-end", current.EndsAt, firedAt);
                await notify.EndedAsync(current.Then(events), events.OfType<MessageSent>().Where(m => m.Kind == SystemMessageKinds.End), timeUp, ct);
                await pairing.OfferOpenRequestsToAsync(current.MitraId, ct);
            }
        }
        return changed;
    }
}
