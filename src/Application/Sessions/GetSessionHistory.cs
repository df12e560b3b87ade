using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary>
/// <c>GET /api/internal/sessions/{id}/history</c>: the session's own events in order — the audit
/// trail is the stream, not a log beside it, so the conversation is in it (<c>message_sent</c>,
/// <c>messages_read</c>) in its one order. Opening it is itself audited.
/// </summary>
public sealed record GetSessionHistory(Guid SessionId) : IQuery<IReadOnlyList<GetSessionHistory.Entry>>
{
    public sealed record Actor(string Kind, Guid? Id);

    public sealed record Entry(long Sequence, string Type, DateTimeOffset At, Actor Actor, object Data);

    public sealed class Handler(IDocumentSession session, Caller caller, TimeProvider clock) : IQueryHandler<GetSessionHistory, IReadOnlyList<Entry>>
    {
        public async ValueTask<IReadOnlyList<Entry>> Handle(GetSessionHistory query, CancellationToken cancellationToken)
        {
            // Every stream shares one event table keyed by Guid: a mitra's, client's or payment's
            // id must not open that stream here, so the session's own document is the gate.
            if (await session.LoadAsync<Session>(query.SessionId, cancellationToken) is null)
                throw new NotFoundException("Session", query.SessionId);

            var events = await session.Events.FetchStreamAsync(query.SessionId, token: cancellationToken);

            session.Audit(caller.Staff, "session.history-opened", "session", query.SessionId, clock.GetUtcNow());
            await session.SaveChangesAsync(cancellationToken);
            return events.Select(e => new Entry(e.Version, e.EventTypeName, e.Timestamp, ActorOf(e.Data), e.Data)).ToList();
        }

        private static Actor ActorOf(object data) => data switch
        {
            SessionStarted s => new Actor(SessionActors.Mitra, s.MitraId),
            SessionRerouted r => new Actor(SessionActors.Staff, r.ByStaffId),
            SessionEnded e => new Actor(e.EndedBy, e.ActorId),
            MessageSent m => new Actor(m.Sender, m.SenderId),
            MessagesRead r => new Actor(r.Reader, r.ReaderId),
            _ => new Actor(SessionActors.System, null),
        };
    }
}
