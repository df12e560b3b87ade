using HaloBestie.Application.Callers;
using HaloBestie.Domain.Pairing;
using Marten;
using Mediator;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// <c>GET /api/mitra/pairing-requests</c>: what is on offer to the caller now — searching, not
/// expired, offered to it and not declined by it — oldest first. For an app that reconnects.
/// Each item is API.md's <c>{id, client {alias}, topic, note, expiresAt}</c> (the
/// <c>pairing.offered</c> event carries the same fields with the id as <c>requestId</c>).
/// </summary>
public sealed record ListOfferedPairingRequests : IQuery<IReadOnlyList<ListOfferedPairingRequests.Offer>>
{
    public sealed record Offer(Guid Id, PairingNotifications.ClientShown Client, string? Topic, string? Note, DateTimeOffset ExpiresAt);

    public sealed class Handler(IQuerySession session, Caller caller, TimeProvider clock)
        : IQueryHandler<ListOfferedPairingRequests, IReadOnlyList<Offer>>
    {
        public async ValueTask<IReadOnlyList<Offer>> Handle(ListOfferedPairingRequests query, CancellationToken cancellationToken)
        {
            var mitra = await caller.MitraAsync(cancellationToken);
            var now = clock.GetUtcNow();
            var requests = await session.Query<PairingRequest>()
                .Where(r => r.Status == PairingStatus.Searching && r.ExpiresAt > now && r.OfferedTo.Contains(mitra.Id))
                .OrderBy(r => r.RequestedAt)
                .Take(100)
                .ToListAsync(cancellationToken);
            var offers = new List<Offer>();
            foreach (var request in requests.Where(r => !r.DeclinedBy.Contains(mitra.Id)))
            {
                var client = await PairingNotifications.ClientShownAsync(session, request.ClientId, cancellationToken);
                offers.Add(new Offer(request.Id, client, request.Topic, request.Note, request.ExpiresAt));
            }
            return offers;
        }
    }
}
