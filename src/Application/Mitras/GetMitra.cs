using HaloBestie.Domain;
using HaloBestie.Domain.Mitras;
using Marten;
using Mediator;

namespace HaloBestie.Application.Mitras;

public sealed record GetMitra(Guid MitraId) : IQuery<MitraDetails>
{
    public sealed class Handler(IQuerySession session) : IQueryHandler<GetMitra, MitraDetails>
    {
        public async ValueTask<MitraDetails> Handle(GetMitra query, CancellationToken cancellationToken)
        {
            var mitra = await session.LoadAsync<Mitra>(query.MitraId, cancellationToken);
            return mitra is null ? throw new NotFoundException("Mitra", query.MitraId) : MitraDetails.From(mitra);
        }
    }
}
