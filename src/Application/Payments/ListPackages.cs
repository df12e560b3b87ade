using HaloBestie.Application.Callers;
using Marten;
using Mediator;

namespace HaloBestie.Application.Payments;

/// <summary>
/// <c>GET /api/client/packages</c>: active packages, cheapest first. Like every client route, it
/// answers only a signed-in client (guests included): a mitra's account gets 403.
/// </summary>
public sealed record ListPackages : IQuery<IReadOnlyList<ListPackages.Item>>
{
    public sealed record Item(Guid Id, string Name, int Sessions, long PriceIdr);

    public sealed class Handler(IQuerySession session, Caller caller) : IQueryHandler<ListPackages, IReadOnlyList<Item>>
    {
        public async ValueTask<IReadOnlyList<Item>> Handle(ListPackages query, CancellationToken cancellationToken)
        {
            await caller.ClientAsync(cancellationToken);
            return (await session.Query<SessionPackage>().Where(p => p.IsActive).OrderBy(p => p.PriceIdr).ToListAsync(cancellationToken))
                .Select(p => new Item(p.Id, p.Name, p.Sessions, p.PriceIdr)).ToList();
        }
    }
}
