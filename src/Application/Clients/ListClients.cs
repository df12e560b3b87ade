using HaloBestie.Domain;
using FluentValidation;
using HaloBestie.Application.Common;
using HaloBestie.Domain.Clients;
using Marten;
using Marten.Pagination;
using Mediator;

namespace HaloBestie.Application.Clients;

/// <summary>
/// Clients by display name, email or phone (case-insensitive substring), optionally by status
/// (<c>active</c> or <c>suspended</c>, any case, as the JSON spells it), newest first.
/// </summary>
public sealed record ListClients(string? Search, string? Status, int Page = 1, int PageSize = 20) : IQuery<Page<ClientDetails>>
{
    public sealed class Validator : AbstractValidator<ListClients>
    {
        public Validator()
        {
            this.RulesForPaging(x => x.Page, x => x.PageSize);
            RuleFor(x => x.Search).MaximumLength(100);
            RuleFor(x => x.Status).Must(s => s is null || Enum.TryParse<ClientStatus>(s, ignoreCase: true, out _))
                .WithErrorCode(ValidationCodes.UnknownValue).WithMessage("'Status' must be active or suspended.");
        }
    }

    public sealed class Handler(IQuerySession session) : IQueryHandler<ListClients, Page<ClientDetails>>
    {
        public async ValueTask<Page<ClientDetails>> Handle(ListClients query, CancellationToken cancellationToken)
        {
            IQueryable<Client> clients = session.Query<Client>();
            if (!string.IsNullOrWhiteSpace(query.Search))
            {
                var s = query.Search.Trim();
                clients = clients.Where(c =>
                    (c.DisplayName != null && c.DisplayName.Contains(s, StringComparison.OrdinalIgnoreCase))
                    || (c.Email != null && c.Email.Contains(s, StringComparison.OrdinalIgnoreCase))
                    || (c.PhoneNumber != null && c.PhoneNumber.Contains(s)));
            }
            if (query.Status is not null)
            {
                var status = Enum.Parse<ClientStatus>(query.Status, ignoreCase: true);
                clients = clients.Where(c => c.Status == status);
            }

            var page = await clients.OrderByDescending(c => c.CreatedAt).ToPagedListAsync(query.Page, query.PageSize, cancellationToken);
            return new Page<ClientDetails>(page.Select(ClientDetails.From).ToList(), query.Page, query.PageSize, page.TotalItemCount);
        }
    }
}
