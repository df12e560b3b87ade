using HaloBestie.Domain;
using FluentValidation;
using HaloBestie.Application.Common;
using HaloBestie.Domain.Sessions;
using Marten;
using Marten.Pagination;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary><c>GET /api/internal/sessions</c>: by status (active, ended), mitra, client and start time [from, to), newest first.</summary>
public sealed record ListSessions(string? Status, Guid? MitraId, Guid? ClientId, DateTimeOffset? From, DateTimeOffset? To, int Page = 1, int PageSize = 20)
    : IQuery<Page<Session>>
{
    public sealed class Validator : AbstractValidator<ListSessions>
    {
        public Validator()
        {
            this.RulesForPaging(x => x.Page, x => x.PageSize);
            RuleFor(x => x.Status).Must(s => s is null || Enum.TryParse<SessionStatus>(s, ignoreCase: true, out _)).WithErrorCode(ValidationCodes.UnknownValue).WithMessage("'Status' must be active or ended.");
            RuleFor(x => x.To).GreaterThan(x => x.From).When(x => x.From is not null && x.To is not null);
        }
    }

    public sealed class Handler(IQuerySession session) : IQueryHandler<ListSessions, Page<Session>>
    {
        public async ValueTask<Page<Session>> Handle(ListSessions query, CancellationToken cancellationToken)
        {
            IQueryable<Session> sessions = session.Query<Session>();
            if (query.Status is not null)
            {
                var status = Enum.Parse<SessionStatus>(query.Status, ignoreCase: true);
                sessions = sessions.Where(s => s.Status == status);
            }
            if (query.MitraId is { } mitraId) sessions = sessions.Where(s => s.MitraId == mitraId);
            if (query.ClientId is { } clientId) sessions = sessions.Where(s => s.ClientId == clientId);
            // Times may come with any offset (an operator's +07:00); PostgreSQL takes them as UTC.
            if (query.From?.ToUniversalTime() is { } from) sessions = sessions.Where(s => s.StartedAt >= from);
            if (query.To?.ToUniversalTime() is { } to) sessions = sessions.Where(s => s.StartedAt < to);
            var page = await sessions.OrderByDescending(s => s.StartedAt).ToPagedListAsync(query.Page, query.PageSize, cancellationToken);
            return new Page<Session>(page.ToList(), query.Page, query.PageSize, page.TotalItemCount);
        }
    }
}
