using Marten;
using Mediator;

namespace HaloBestie.Application.Payments;

/// <summary><c>GET /api/client/packages</c>: active packages, cheapest first.</summary>
public sealed record ListPackages : IQuery<IReadOnlyList<ListPackages.Item>>
{
    public sealed record Item(Guid Id, string Name, int Sessions, long PriceIdr);

    public sealed class Handler(IQuerySession session) : IQueryHandler<ListPackages, IReadOnlyList<Item>>
    {
        public async ValueTask<IReadOnlyList<Item>> Handle(ListPackages query, CancellationToken cancellationToken) =>
            (await session.Query<SessionPackage>().Where(p => p.IsActive).OrderBy(p => p.PriceIdr).ToListAsync(cancellationToken))
                .Select(p => new Item(p.Id, p.Name, p.Sessions, p.PriceIdr)).ToList();
    }
}
