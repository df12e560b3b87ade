using HaloBestie.Domain;
using FluentValidation;
using HaloBestie.Application.Common;
using HaloBestie.Domain.Pairing;
using Marten;
using Marten.Pagination;
using Mediator;

namespace HaloBestie.Application.Pairing;

/// <summary><c>GET /api/internal/pairing-requests</c>: newest first, optionally by status (searching, matched, cancelled, expired).</summary>
public sealed record ListPairingRequests(string? Status, int Page = 1, int PageSize = 20) : IQuery<Page<PairingRequest>>
{
    public sealed class Validator : AbstractValidator<ListPairingRequests>
    {
        public Validator()
        {
            this.RulesForPaging(x => x.Page, x => x.PageSize);
            RuleFor(x => x.Status).Must(s => s is null || Enum.TryParse<PairingStatus>(s, ignoreCase: true, out _))
                .WithErrorCode(ValidationCodes.UnknownValue).WithMessage("'Status' must be searching, matched, cancelled or expired.");
        }
    }

    public sealed class Handler(IQuerySession session) : IQueryHandler<ListPairingRequests, Page<PairingRequest>>
    {
        public async ValueTask<Page<PairingRequest>> Handle(ListPairingRequests query, CancellationToken cancellationToken)
        {
            IQueryable<PairingRequest> requests = session.Query<PairingRequest>();
            if (query.Status is not null)
            {
                var status = Enum.Parse<PairingStatus>(query.Status, ignoreCase: true);
                requests = requests.Where(r => r.Status == status);
            }
            var page = await requests.OrderByDescending(r => r.RequestedAt).ToPagedListAsync(query.Page, query.PageSize, cancellationToken);
            return new Page<PairingRequest>(page.ToList(), query.Page, query.PageSize, page.TotalItemCount);
        }
    }
}
