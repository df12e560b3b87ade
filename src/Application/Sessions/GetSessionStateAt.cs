using HaloBestie.Domain;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary>
/// <c>GET /api/internal/sessions/{id}/state?at=</c>: the session rebuilt from its events up to
/// <c>at</c> (Marten's time-travel aggregation); 404 when it did not exist yet. Its <c>lastSeq</c>
/// and read marks say where the conversation stood then: the transcript with
/// <c>before=lastSeq+1</c> shows it as it was.
/// </summary>
public sealed record GetSessionStateAt(Guid SessionId, DateTimeOffset At) : IQuery<Session>
{
    public sealed class Handler(IQuerySession session) : IQueryHandler<GetSessionStateAt, Session>
    {
        public async ValueTask<Session> Handle(GetSessionStateAt query, CancellationToken cancellationToken)
        {
            // The session's document is the gate: another kind of stream with this id is not a session.
            if (await session.LoadAsync<Session>(query.SessionId, cancellationToken) is null)
                throw new NotFoundException("Session", query.SessionId);

            // `at` may come with any offset (an operator's +07:00); PostgreSQL takes it as UTC.
            return await session.Events.AggregateStreamAsync<Session>(query.SessionId, timestamp: query.At.ToUniversalTime(), token: cancellationToken)
                ?? throw new DomainException(ProblemNames.NotFound, $"Session {query.SessionId} did not exist at {query.At:O}.");
        }
    }
}
