using HaloBestie.Domain;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary><c>GET /api/internal/sessions/{id}</c>: the session's current state.</summary>
public sealed record GetSession(Guid SessionId) : IQuery<Session>
{
    public sealed class Handler(IQuerySession session) : IQueryHandler<GetSession, Session>
    {
        public async ValueTask<Session> Handle(GetSession query, CancellationToken cancellationToken) =>
            await session.LoadAsync<Session>(query.SessionId, cancellationToken) ?? throw new NotFoundException("Session", query.SessionId);
    }
}
