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
/// A cancel that loses a race with an accept (or the expiry) reads the request again and answers
/// what happened to it: 409 <c>request-closed</c>, not a bare conflict.
/// </summary>
public sealed record CancelPairingRequest(Guid RequestId) : ICommand
{
    private const int MaxAttempts = 3;

    public sealed class Handler(IDocumentStore store, IQuerySession reader, IFirebaseCaller caller, PairingNotifications notify, TimeProvider clock)
        : ICommandHandler<CancelPairingRequest>
    {
        public async ValueTask<Unit> Handle(CancelPairingRequest command, CancellationToken cancellationToken)
        {
            var client = await reader.RequireClientAsync(caller, cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                await using var session = store.LightweightSession();
                var stream = await session.Events.FetchForWriting<PairingRequest>(command.RequestId, cancellationToken);
                if (stream.Aggregate is not { } request || request.ClientId != client.Id)
                    throw new NotFoundException("Pairing request", command.RequestId);

                var cancelled = PairingDecisions.Cancel(request, PairingReasons.CancelledByClient, clock.GetUtcNow());
                stream.AppendOne(cancelled);
                try
                {
                    await session.SaveChangesAsync(cancellationToken);
                }
                catch (Exception e) when (WriteConflicts.IsConflict(e) && attempt < MaxAttempts)
                {
                    continue; // accepted, expired or declined meanwhile: decide again on what it is now
                }
                ProductMetrics.PairingEnded(request, cancelled);
                await notify.CloseAsync(request, "cancelled", null, cancellationToken);
                return Unit.Value;
            }
        }
    }
}
