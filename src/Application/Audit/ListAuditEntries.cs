using FluentValidation;
using HaloBestie.Application.Common;
using Marten;
using Marten.Pagination;
using Mediator;

namespace HaloBestie.Application.Audit;

public sealed record ListAuditEntries(Guid? StaffId, DateTimeOffset? From, DateTimeOffset? To, int Page = 1, int PageSize = 50)
    : IQuery<Page<AuditEntry>>
{
    public sealed class Validator : AbstractValidator<ListAuditEntries>
    {
        public Validator()
        {
            this.RulesForPaging(x => x.Page, x => x.PageSize);
            RuleFor(x => x.To).GreaterThanOrEqualTo(x => x.From).When(x => x.From is not null && x.To is not null);
        }
    }

    public sealed class Handler(IQuerySession session) : IQueryHandler<ListAuditEntries, Page<AuditEntry>>
    {
        public async ValueTask<Page<AuditEntry>> Handle(ListAuditEntries query, CancellationToken cancellationToken)
        {
            IQueryable<AuditEntry> entries = session.Query<AuditEntry>();
            if (query.StaffId is { } staffId) entries = entries.Where(x => x.StaffId == staffId);
            // Times may come with any offset (an operator's +07:00); PostgreSQL takes them as UTC.
            if (query.From?.ToUniversalTime() is { } from) entries = entries.Where(x => x.At >= from);
            if (query.To?.ToUniversalTime() is { } to) entries = entries.Where(x => x.At <= to);

            var page = await entries.OrderByDescending(x => x.At).ToPagedListAsync(query.Page, query.PageSize, cancellationToken);
            return new Page<AuditEntry>(page.ToList(), query.Page, query.PageSize, page.TotalItemCount);
        }
    }
}
