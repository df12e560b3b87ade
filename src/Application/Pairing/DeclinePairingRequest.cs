using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Pairing;
using JasperFx;
using Marten;
using Mediator;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// <c>POST /api/mitra/pairing-requests/{id}/decline</c>. When every mitra it was offered to has
/// declined and no other mitra is available, the request ends at once as <c>no-bestie</c>.
/// </summary>
public sealed record DeclinePairingRequest(Guid RequestId) : ICommand
{
    public sealed class Handler(IDocumentStore store, IQuerySession reader, IFirebaseCaller caller, PairingNotifications notify, TimeProvider clock)
        : ICommandHandler<DeclinePairingRequest>
    {
        public async ValueTask<Unit> Handle(DeclinePairingRequest command, CancellationToken cancellationToken)
        {
            var mitraId = (await reader.RequireMitraAsync(caller, cancellationToken)).Id;
            for (var attempt = 1; ; attempt++)
            {
                await using var session = store.LightweightSession();
                var stream = await session.Events.FetchForWriting<PairingRequest>(command.RequestId, cancellationToken);
                var request = stream.Aggregate ?? throw new NotFoundException("Pairing request", command.RequestId);
                var available = await session.AvailableMitraIdsAsync(cancellationToken);
                var othersAvailable = available.Any(id => id != mitraId && !request.DeclinedBy.Contains(id));
                var events = PairingDecisions.Decline(request, mitraId, othersAvailable, clock.GetUtcNow());
                if (events.Count == 0)
                    return Unit.Value;

                stream.AppendMany(events);
                try
                {
                    await session.SaveChangesAsync(cancellationToken);
                }
                catch (Exception e) when (WriteConflicts.IsConflict(e) && attempt < 5)
                {
                    continue;
                }

                if (events.OfType<PairingExpired>().FirstOrDefault() is { } expired)
                {
                    ProductMetrics.PairingEnded(request, expired);
                    await notify.ExpiredAsync(events.Aggregate(request, Apply), cancellationToken);
                }
                return Unit.Value;
            }
        }

        private static PairingRequest Apply(PairingRequest r, object e) => e switch
        {
            PairingDeclined d => r.Apply(d),
            PairingExpired x => r.Apply(x),
            _ => r,
        };
    }
}
