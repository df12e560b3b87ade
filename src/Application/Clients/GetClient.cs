using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Payments;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Clients;

/// <summary><c>GET /api/internal/clients/{id}</c>: profile, entitlements, session count and the latest 20 payments.</summary>
public sealed record GetClient(Guid ClientId) : IQuery<ClientDetails>
{
    public sealed class Handler(IQuerySession session) : IQueryHandler<GetClient, ClientDetails>
    {
        public async ValueTask<ClientDetails> Handle(GetClient query, CancellationToken cancellationToken)
        {
            var client = await session.LoadAsync<Client>(query.ClientId, cancellationToken) ?? throw new NotFoundException("Client", query.ClientId);
            var sessionCount = await session.Query<Session>().CountAsync(s => s.ClientId == client.Id, cancellationToken);
            var payments = await session.Query<Payment>().Where(p => p.ClientId == client.Id).OrderByDescending(p => p.CreatedAt).Take(20).ToListAsync(cancellationToken);
            return ClientDetails.From(client) with
            {
                SessionCount = sessionCount,
                Payments = payments.Select(p => new ClientPayment(p.Id, p.PackageName, p.Sessions, p.AmountIdr, p.Status, p.CreatedAt, p.PaidAt)).ToList(),
            };
        }
    }
}
