using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary>
/// <c>GET /api/mitra/sessions</c>: the sessions this mitra holds or held to their end, newest first,
/// ended ones included (those staff rerouted away from it are not listed; their conversation stays
/// readable up to the handover by id).
/// </summary>
public sealed record ListMitraSessions(int Page = 1, int PageSize = 20) : IQuery<Page<MitraSessionView>>
{
    public sealed class Validator : AbstractValidator<ListMitraSessions>
    {
        public Validator() => this.RulesForPaging(x => x.Page, x => x.PageSize);
    }

    public sealed class Handler(IQuerySession session, Caller caller) : IQueryHandler<ListMitraSessions, Page<MitraSessionView>>
    {
        public async ValueTask<Page<MitraSessionView>> Handle(ListMitraSessions query, CancellationToken cancellationToken)
        {
            var mitraId = (await caller.MitraAsync(cancellationToken)).Id;
            return await session.Query<Session>().Where(s => s.MitraId == mitraId).OrderByDescending(s => s.StartedAt)
                .ToPageAsync(query.Page, query.PageSize, s => MitraSessionView.OfAsync(session, s, cancellationToken), cancellationToken);
        }
    }
}
