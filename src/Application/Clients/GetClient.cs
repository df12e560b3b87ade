using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using Marten;
using Mediator;

namespace HaloBestie.Application.Clients;

public sealed record GetClient(Guid ClientId) : IQuery<ClientDetails>
{
    public sealed class Handler(IQuerySession session) : IQueryHandler<GetClient, ClientDetails>
    {
        public async ValueTask<ClientDetails> Handle(GetClient query, CancellationToken cancellationToken) =>
            ClientDetails.From(await session.LoadAsync<Client>(query.ClientId, cancellationToken)
                ?? throw new NotFoundException("Client", query.ClientId));
    }
}
