using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Pairing;
using Marten;
using Mediator;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// <c>DELETE /api/client/pairing-requests/{id}</c>: the client stops searching. 409
/// <c>request-closed</c> once it matched, expired or was cancelled; 404 for another client's request.
/// </summary>
public sealed record CancelPairingRequest(Guid RequestId) : ICommand
{
    public sealed class Handler(IDocumentSession session, IFirebaseCaller caller, PairingNotifications notify, TimeProvider clock)
        : ICommandHandler<CancelPairingRequest>
    {
        public async ValueTask<Unit> Handle(CancelPairingRequest command, CancellationToken cancellationToken)
        {
            var client = await session.RequireClientAsync(caller, cancellationToken);
            var stream = await session.Events.FetchForWriting<PairingRequest>(command.RequestId, cancellationToken);
            if (stream.Aggregate is not { } request || request.ClientId != client.Id)
                throw new NotFoundException("Pairing request", command.RequestId);

            var cancelled = PairingDecisions.Cancel(request, PairingReasons.CancelledByClient, clock.GetUtcNow());
            stream.AppendOne(cancelled);
            await session.SaveChangesAsync(cancellationToken);
            ProductMetrics.PairingEnded(request, cancelled);
            await notify.CloseAsync(request, "cancelled", null, cancellationToken);
            return Unit.Value;
        }
    }
}
