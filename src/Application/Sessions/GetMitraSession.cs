using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary>
/// <c>GET /api/mitra/sessions/{id}</c>: a session this mitra holds or held to its end (ended ones
/// too), the client shown under the anonymity settings; 404 for any other session, including one
/// staff rerouted away from this mitra (the conversation will let that mitra read up to the
/// handover).
/// </summary>
public sealed record GetMitraSession(Guid SessionId) : IQuery<MitraSessionView>
{
    public sealed class Handler(IQuerySession session, Caller caller) : IQueryHandler<GetMitraSession, MitraSessionView>
    {
        public async ValueTask<MitraSessionView> Handle(GetMitraSession query, CancellationToken cancellationToken)
        {
            var mitraId = (await caller.MitraAsync(cancellationToken)).Id;
            var found = await session.LoadAsync<Session>(query.SessionId, cancellationToken);
            if (found is null || found.MitraId != mitraId)
                throw new NotFoundException("Session", query.SessionId);
            return await MitraSessionView.OfAsync(session, found, cancellationToken);
        }
    }
}
