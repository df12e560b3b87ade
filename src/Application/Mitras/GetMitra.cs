using Marten;
using Mediator;

namespace HaloBestie.Application.Mitras;

public sealed record GetMitra(Guid MitraId) : IQuery<MitraDetails>
{
    public sealed class Handler(IQuerySession session) : IQueryHandler<GetMitra, MitraDetails>
    {
        public async ValueTask<MitraDetails> Handle(GetMitra query, CancellationToken cancellationToken) =>
            await session.MitraDetailsAsync(query.MitraId, cancellationToken);
    }
}
