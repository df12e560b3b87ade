using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary><c>GET /api/client/sessions/active</c>: the client's current session; 404 when there is none.</summary>
public sealed record GetMyActiveSession : IQuery<ClientSessionView>
{
    public sealed class Handler(IQuerySession session, Caller caller) : IQueryHandler<GetMyActiveSession, ClientSessionView>
    {
        public async ValueTask<ClientSessionView> Handle(GetMyActiveSession query, CancellationToken cancellationToken)
        {
            var client = await caller.ClientAsync(cancellationToken);
            var active = await session.Query<Session>().FirstOrDefaultAsync(s => s.ClientId == client.Id && s.Status == SessionStatus.Active, cancellationToken)
                ?? throw new DomainException(ProblemNames.NotFound, "No active session.");
            return await ClientSessionView.OfAsync(session, active, cancellationToken);
        }
    }
}
