using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary><c>GET /api/client/sessions</c>: the client's sessions, newest first.</summary>
public sealed record ListMySessions(int Page = 1, int PageSize = 20) : IQuery<Page<ClientSessionView>>
{
    public sealed class Validator : AbstractValidator<ListMySessions>
    {
        public Validator() => this.RulesForPaging(x => x.Page, x => x.PageSize);
    }

    public sealed class Handler(IQuerySession session, Caller caller) : IQueryHandler<ListMySessions, Page<ClientSessionView>>
    {
        public async ValueTask<Page<ClientSessionView>> Handle(ListMySessions query, CancellationToken cancellationToken)
        {
            var client = await caller.ClientAsync(cancellationToken);
            return await session.Query<Session>().Where(s => s.ClientId == client.Id).OrderByDescending(s => s.StartedAt)
                .ToPageAsync(query.Page, query.PageSize, s => ClientSessionView.OfAsync(session, s, cancellationToken), cancellationToken);
        }
    }
}
