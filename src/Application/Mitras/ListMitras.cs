using FluentValidation;
using HaloBestie.Application.Common;
using HaloBestie.Application.Settings;
using HaloBestie.Domain.Mitras;
using Marten;
using Marten.Pagination;
using Mediator;

namespace HaloBestie.Application.Mitras;

/// <summary>Mitras by name, alias or phone number (case-insensitive substring), active flag and online state, newest first.</summary>
public sealed record ListMitras(string? Search, bool? Active, bool? Online, int Page = 1, int PageSize = 20) : IQuery<Page<MitraDetails>>
{
    public sealed class Validator : AbstractValidator<ListMitras>
    {
        public Validator()
        {
            this.RulesForPaging(x => x.Page, x => x.PageSize);
            RuleFor(x => x.Search).MaximumLength(100);
        }
    }

    public sealed class Handler(IQuerySession session) : IQueryHandler<ListMitras, Page<MitraDetails>>
    {
        public async ValueTask<Page<MitraDetails>> Handle(ListMitras query, CancellationToken cancellationToken)
        {
            IQueryable<Mitra> mitras = session.Query<Mitra>();
            if (!string.IsNullOrWhiteSpace(query.Search))
            {
                var s = query.Search.Trim();
                mitras = mitras.Where(m =>
                    m.FullName.Contains(s, StringComparison.OrdinalIgnoreCase)
                    || m.Alias.Contains(s, StringComparison.OrdinalIgnoreCase)
                    || m.PhoneNumber.Contains(s));
            }
            if (query.Active is { } active)
                mitras = mitras.Where(m => m.IsActive == active);
            if (query.Online is { } online)
                mitras = mitras.Where(m => m.IsOnline == online);

            var page = await mitras.OrderByDescending(m => m.CreatedAt).ToPagedListAsync(query.Page, query.PageSize, cancellationToken);
            var settings = await session.LoadSettingsAsync(cancellationToken);
            return new Page<MitraDetails>(page.Select(m => MitraDetails.From(m, settings)).ToList(), query.Page, query.PageSize, page.TotalItemCount);
        }
    }
}
