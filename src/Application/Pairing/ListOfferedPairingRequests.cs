using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain.Pairing;
using Marten;
using Mediator;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// <c>GET /api/mitra/pairing-requests</c>: what is on offer to the caller now — searching, not
/// expired, offered to it and not declined by it — oldest first. For an app that reconnects.
/// </summary>
public sealed record ListOfferedPairingRequests : IQuery<IReadOnlyList<PairingNotifications.OfferedData>>
{
    public sealed class Handler(IQuerySession session, IFirebaseCaller caller, TimeProvider clock)
        : IQueryHandler<ListOfferedPairingRequests, IReadOnlyList<PairingNotifications.OfferedData>>
    {
        public async ValueTask<IReadOnlyList<PairingNotifications.OfferedData>> Handle(ListOfferedPairingRequests query, CancellationToken cancellationToken)
        {
            var mitra = await session.RequireMitraAsync(caller, cancellationToken);
            var now = clock.GetUtcNow();
            var requests = await session.Query<PairingRequest>()
                .Where(r => r.Status == PairingStatus.Searching && r.ExpiresAt > now && r.OfferedTo.Contains(mitra.Id))
                .OrderBy(r => r.RequestedAt)
                .Take(100)
                .ToListAsync(cancellationToken);
            var offers = new List<PairingNotifications.OfferedData>();
            foreach (var request in requests.Where(r => !r.DeclinedBy.Contains(mitra.Id)))
                offers.Add(await PairingNotifications.OfferOfAsync(session, request, cancellationToken));
            return offers;
        }
    }
}
