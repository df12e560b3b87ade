using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Payments;
using Marten;
using Mediator;

namespace HaloBestie.Application.Payments;

/// <summary><c>GET /api/client/payments/{id}</c>: status pending, paid, expired or failed; 404 for another client's payment.</summary>
public sealed record GetMyPayment(Guid PaymentId) : IQuery<GetMyPayment.Result>
{
    public sealed record Result(Guid Id, PaymentStatus Status, Guid PackageId, string PackageName, int Sessions, long AmountIdr,
        string InvoiceUrl, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset? PaidAt);

    public sealed class Handler(IQuerySession session, Caller caller) : IQueryHandler<GetMyPayment, Result>
    {
        public async ValueTask<Result> Handle(GetMyPayment query, CancellationToken cancellationToken)
        {
            var client = await caller.ClientAsync(cancellationToken);
            var p = await session.LoadAsync<Payment>(query.PaymentId, cancellationToken);
            if (p is null || p.ClientId != client.Id)
                throw new NotFoundException("Payment", query.PaymentId);
            return new Result(p.Id, p.Status, p.PackageId, p.PackageName, p.Sessions, p.AmountIdr, p.InvoiceUrl, p.ExpiresAt, p.CreatedAt, p.PaidAt);
        }
    }
}
