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
    /// <summary>
    /// Sends due warnings and ends sessions whose time is up (<see cref="DueTransitions"/>: several
    /// at once, up to a thousand a pass); returns how many sessions this call changed.
    /// </summary>
    public Task<int> RunDueAsync(CancellationToken ct) =>
        DueTransitions.RunAsync(DueAsync, id => TickAsync(id, ct), ct);

    private async Task<IReadOnlyList<Guid>> DueAsync(CancellationToken ct)
    {
        var endHorizon = clock.GetUtcNow() + TimeStorage.Precision; // see PairingTimers
        var warnHorizon = endHorizon + Session.WarningBeforeEnd;
        await using var query = store.QuerySession();
        return await query.Query<Session>()
            .Where(s => s.Status == SessionStatus.Active && s.EndsAt <= warnHorizon && (s.WarnedAt == null || s.EndsAt <= endHorizon))
            .OrderBy(s => s.EndsAt).Select(s => s.Id).Take(DueTransitions.BatchSize).ToListAsync(ct);
    }

    private async Task<bool> TickAsync(Guid id, CancellationToken ct)
    {
        // Another instance, or the parties themselves, may get there first: the decision then
        // finds nothing left to do. The moment recorded is the decision's own.
        var (current, events) = await writes.RunAsync("SessionTimeUp", async session =>
        {
            var now = clock.GetUtcNow();
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
            return false;

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
        return true;
    }
}
