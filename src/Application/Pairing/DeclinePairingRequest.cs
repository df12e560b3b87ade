using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Application.Push;
using HaloBestie.Domain;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Push;
using Mediator;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// <c>POST /api/mitra/pairing-requests/{id}/decline</c>. When every mitra it was offered to has
/// declined and no other mitra is available, the request ends at once as <c>no-bestie</c>.
/// </summary>
public sealed record DeclinePairingRequest(Guid RequestId) : ICommand
{
    public sealed class Handler(StreamWrites writes, Caller caller, PairingNotifications notify, PushOutbox outbox, TimeProvider clock)
        : ICommandHandler<DeclinePairingRequest>
    {
        public async ValueTask<Unit> Handle(DeclinePairingRequest command, CancellationToken cancellationToken)
        {
            var mitraId = (await caller.MitraAsync(cancellationToken)).Id;
            var (request, events) = await writes.RunAsync(nameof(DeclinePairingRequest), async session =>
            {
                var stream = await session.Events.FetchForWriting<PairingRequest>(command.RequestId, cancellationToken);
                var request = stream.Aggregate ?? throw new NotFoundException("Pairing request", command.RequestId);
                var available = await session.AvailableMitraIdsAsync(cancellationToken);
                var othersAvailable = available.Any(id => id != mitraId && !request.DeclinedBy.Contains(id));
                var events = PairingDecisions.Decline(request, mitraId, othersAvailable, clock.GetUtcNow());
                stream.AppendMany(events);
                if (events.OfType<PairingDeclined>().Any())
                    outbox.Enqueue(session, PushDecisions.OnDecline(request, mitraId, clock.GetUtcNow()));
                if (events.OfType<PairingExpired>().FirstOrDefault() is { } expired)
                    outbox.Enqueue(session, PushDecisions.OnExpiry(events.OfType<PairingDeclined>().Aggregate(request, (r, e) => r.Apply(e)), expired.Reason, clock.GetUtcNow()));
                return (request, events);
            }, cancellationToken);

            if (events.OfType<PairingExpired>().FirstOrDefault() is { } expired)
            {
                ProductMetrics.PairingEnded(request, expired);
                await notify.ExpiredAsync(request.Apply(expired), cancellationToken);
            }
            return Unit.Value;
        }
    }
}
