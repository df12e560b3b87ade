using HaloBestie.Application.Common;
using HaloBestie.Application.Pairing;
using HaloBestie.Application.Push;
using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Push;
using HaloBestie.Domain.Sessions;
using JasperFx.Events;
using Marten;
using Marten.Events;

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
        var ending = await writes.RunAsync("EndSession", async session =>
        {
            // A staff end in the first minutes gives the client its credit back, a write to the
            // client's stream: that stream is locked first, as every write touching a client's stream
            // and another one locks it (an erasure, an accept, a payment's callback), so a staff end
            // and an erasure take turns instead of deadlocking.
            var client = endedBy == SessionActors.Staff ? await LockClientOfAsync(session, sessionId, ct) : null;
            // The row lock orders the end with the conversation's sends: a send waits and then
            // finds the session ended, or commits before the end's closing message.
            var stream = await session.Events.FetchForExclusiveWriting<Session>(sessionId, ct);
            var current = stream.Aggregate ?? throw new NotFoundException("Session", sessionId);
            guard(current);
            var ending = await AppendEndAsync(session, stream, endedBy, actorId, reason, message, ct, client);
            alsoRecord?.Invoke(session);
            return ending;
        }, ct);
        return await AfterEndAsync(ending, ct);
    }

    /// <summary>The client's stream of a session, locked (null when there is no such session: the session's own fetch says so).</summary>
    private static async Task<IEventStream<Client>?> LockClientOfAsync(IDocumentSession session, Guid sessionId, CancellationToken ct) =>
        await session.LoadAsync<Session>(sessionId, ct) is { ClientId: var clientId }
            ? await session.Events.FetchForExclusiveWriting<Client>(clientId, ct)
            : null;

    /// <summary>The in-transaction part of an end (the caller holds the session's stream with its row lock): the closing message, the end, what it releases, the push.</summary>
    /// <param name="client">The client's stream when the caller already holds it.</param>
    internal async Task<Ending> AppendEndAsync(IDocumentSession session, IEventStream<Session> stream, string endedBy, Guid? actorId, string reason, string? message, CancellationToken ct,
        IEventStream<Client>? client = null)
    {
        var current = stream.Aggregate!;
        var now = clock.GetUtcNow();
        var ended = SessionDecisions.End(current, endedBy, actorId, reason, now, message);
        var closing = ConversationDecisions.Closing(current, now);
        stream.AppendMany(closing, ended);
        await AppendReleaseAsync(session, current, ended, ct, client);
        outbox.Enqueue(session, PushDecisions.Ended(current.Apply(closing).Apply(ended), now));
        return new Ending(current, closing, ended);
    }

    /// <summary>After the end committed: both parties told, the freed mitra offered what is still searching.</summary>
    internal async Task<Session> AfterEndAsync(Ending ending, CancellationToken ct)
    {
        var result = ending.Before.Apply(ending.Closing).Apply(ending.Ended);
        await notify.EndedAsync(result, [ending.Closing], ending.Ended, ct);
        await pairing.OfferOpenRequestsToAsync(ending.Before.MitraId, ct);
        return result;
    }

    internal sealed record Ending(Session Before, MessageSent Closing, SessionEnded Ended);

    /// <summary>Appends what the end gives back (<see cref="SessionDecisions.Release"/>): the mitra's place, perhaps the client's credit.</summary>
    /// <param name="client">The client's stream when the caller already holds it (a staff end).</param>
    internal static async Task AppendReleaseAsync(IDocumentSession session, Session current, SessionEnded ended, CancellationToken ct, IEventStream<Client>? client = null)
    {
        var (freed, returned) = SessionDecisions.Release(current, ended);
        (await session.Events.FetchForWriting<Mitra>(current.MitraId, ct)).AppendOne(freed);
        if (returned is not null)
            (client ?? await session.Events.FetchForWriting<Client>(current.ClientId, ct)).AppendOne(returned);
    }
}
