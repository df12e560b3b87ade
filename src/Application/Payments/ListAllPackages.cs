using Marten;
using Mediator;

namespace HaloBestie.Application.Payments;

/// <summary><c>GET /api/internal/packages</c> (admin): every package, active or not.</summary>
public sealed record ListAllPackages : IQuery<IReadOnlyList<SessionPackage>>
{
    public sealed class Handler(IQuerySession session) : IQueryHandler<ListAllPackages, IReadOnlyList<SessionPackage>>
    {
        public async ValueTask<IReadOnlyList<SessionPackage>> Handle(ListAllPackages query, CancellationToken cancellationToken) =>
            await session.Query<SessionPackage>().OrderBy(p => p.PriceIdr).ToListAsync(cancellationToken);
    }
}
