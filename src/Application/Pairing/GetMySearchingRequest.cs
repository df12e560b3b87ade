using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Pairing;
using Marten;
using Mediator;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// <c>GET /api/client/pairing-requests/current</c>: the client's request that is still searching
/// (at most one), for an app that lost the answer of its <c>POST</c> or restarted while searching;
/// 404 <c>not-found</c> when none is.
/// </summary>
public sealed record GetMySearchingRequest : IQuery<PairingRequestView>
{
    public sealed class Handler(IQuerySession session, Caller caller) : IQueryHandler<GetMySearchingRequest, PairingRequestView>
    {
        public async ValueTask<PairingRequestView> Handle(GetMySearchingRequest query, CancellationToken cancellationToken)
        {
            var client = await caller.ClientAsync(cancellationToken);
            var request = await session.Query<PairingRequest>().FirstOrDefaultAsync(r => r.ClientId == client.Id && r.Status == PairingStatus.Searching, cancellationToken)
                ?? throw new DomainException(ProblemNames.NotFound, "No pairing request of this client is searching.");
            return await PairingRequestView.OfAsync(session, request, cancellationToken);
        }
    }
}
