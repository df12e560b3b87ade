using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary><c>GET /api/client/sessions/{id}</c>: one of the client's sessions; 404 for anyone else's.</summary>
public sealed record GetMySession(Guid SessionId) : IQuery<ClientSessionView>
{
    public sealed class Handler(IQuerySession session, Caller caller) : IQueryHandler<GetMySession, ClientSessionView>
    {
        public async ValueTask<ClientSessionView> Handle(GetMySession query, CancellationToken cancellationToken)
        {
            var client = await caller.ClientAsync(cancellationToken);
            var found = await session.LoadAsync<Session>(query.SessionId, cancellationToken);
            if (found is null || found.ClientId != client.Id)
                throw new NotFoundException("Session", query.SessionId);
            return await ClientSessionView.OfAsync(session, found, cancellationToken);
        }
    }
}
