using HaloBestie.Application.Common;
using HaloBestie.Application.Pairing;
using HaloBestie.Application.Push;
using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Push;
using HaloBestie.Domain.Sessions;
using Marten;

namespace HaloBestie.Application.Sessions;

/// <summary>
/// Ending a session, whoever ends it: the session's stream and its mitra's stream (one place
/// freed) in one transaction, then both parties are told and the freed mitra is offered what is
/// still searching. The system's own end, at time-up, is <see cref="SessionTimeUp"/>.
/// </summary>
public sealed class SessionLifecycle(StreamWrites writes, SessionNotifications notify, PairingTimers pairing, PushOutbox outbox, TimeProvider clock)
{
    /// <param name="guard">Checks the session may be ended by this caller (throws otherwise); runs on the fresh state.</param>
    /// <param name="alsoRecord">Anything to commit in the same transaction (an audit entry).</param>
    /// <param name="message">Words the parties read (<see cref="Session.EndMessage"/>).</param>
    public async Task<Session> EndAsync(Guid sessionId, string endedBy, Guid? actorId, string reason, Action<Session> guard, CancellationToken ct,
        Action<IDocumentSession>? alsoRecord = null, string? message = null)
    {
        var (current, closing, ended) = await writes.RunAsync("EndSession", async session =>
        {
            // The row lock orders the end with the conversation's sends: a send waits and then
            // finds the session ended, or commits before the end's closing message.
            var stream = await session.Events.FetchForExclusiveWriting<Session>(sessionId, ct);
            var current = stream.Aggregate ?? throw new NotFoundException("Session", sessionId);
            guard(current);
            var now = clock.GetUtcNow();
            var ended = SessionDecisions.End(current, endedBy, actorId, reason, now, message);
            var closing = ConversationDecisions.Closing(current, now);
            stream.AppendMany(closing, ended);
            await AppendReleaseAsync(session, current, ended, ct);
            outbox.Enqueue(session, PushDecisions.Ended(current.Apply(closing).Apply(ended), now));
            alsoRecord?.Invoke(session);
            return (current, closing, ended);
        }, ct);

        var result = current.Apply(closing).Apply(ended);
        await notify.EndedAsync(result, [closing], ended, ct);
        await pairing.OfferOpenRequestsToAsync(current.MitraId, ct);
        return result;
    }

    /// <summary>Appends what the end gives back (<see cref="SessionDecisions.Release"/>): the mitra's place, perhaps the client's credit.</summary>
    internal static async Task AppendReleaseAsync(IDocumentSession session, Session current, SessionEnded ended, CancellationToken ct)
    {
        var (freed, returned) = SessionDecisions.Release(current, ended);
        (await session.Events.FetchForWriting<Mitra>(current.MitraId, ct)).AppendOne(freed);
        if (returned is not null)
            (await session.Events.FetchForWriting<Client>(current.ClientId, ct)).AppendOne(returned);
    }
}
