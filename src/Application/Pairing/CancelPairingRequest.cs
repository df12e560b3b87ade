using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Application.Push;
using HaloBestie.Application.Realtime;
using HaloBestie.Domain;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Push;
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
    public sealed class Handler(StreamWrites writes, Caller caller, PairingNotifications notify, PushOutbox outbox, TimeProvider clock)
        : ICommandHandler<CancelPairingRequest>
    {
        public async ValueTask<Unit> Handle(CancelPairingRequest command, CancellationToken cancellationToken)
        {
            var client = await caller.ClientAsync(cancellationToken);
            var (request, cancelled) = await writes.RunAsync(nameof(CancelPairingRequest), async session =>
            {
                var stream = await session.Events.FetchForWriting<PairingRequest>(command.RequestId, cancellationToken);
                if (stream.Aggregate is not { } request || request.ClientId != client.Id)
                    throw new NotFoundException("Pairing request", command.RequestId);
                var cancelled = PairingDecisions.Cancel(request, PairingReasons.CancelledByClient, clock.GetUtcNow());
                stream.AppendOne(cancelled);
                outbox.Enqueue(session, PushDecisions.OnCancel(request, clock.GetUtcNow()));
                return (request, cancelled);
            }, cancellationToken);
            ProductMetrics.PairingEnded(request, cancelled);
            await notify.ClosedAsync(request, PairingClosedReasons.Cancelled, null, cancellationToken);
            return Unit.Value;
        }
    }
}
