using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Pairing;
using Marten;
using Mediator;

namespace HaloBestie.Application.Pairing;

/// <summary><c>GET /api/client/pairing-requests/{id}</c>: for an app that missed an event. 404 for another client's request.</summary>
public sealed record GetMyPairingRequest(Guid RequestId) : IQuery<PairingRequestView>
{
    public sealed class Handler(IQuerySession session, Caller caller) : IQueryHandler<GetMyPairingRequest, PairingRequestView>
    {
        public async ValueTask<PairingRequestView> Handle(GetMyPairingRequest query, CancellationToken cancellationToken)
        {
            var client = await caller.ClientAsync(cancellationToken);
            var request = await session.LoadAsync<PairingRequest>(query.RequestId, cancellationToken);
            if (request is null || request.ClientId != client.Id)
                throw new NotFoundException("Pairing request", query.RequestId);
            return await PairingRequestView.OfAsync(session, request, cancellationToken);
        }
    }
}
