using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Conversation;

/// <summary>
/// <c>GET /api/{client|mitra}/sessions/{id}/messages?before=|after=&amp;limit=</c>: a page of the
/// conversation (<see cref="MessagePage"/>), ended sessions included. The client and the current
/// mitra read all of it; a mitra the session was rerouted away from reads up to its handover; 404
/// for anyone else.
/// </summary>
public sealed record ListMessages(Party Party, Guid SessionId, long? Before, long? After, int Limit = MessagePage.DefaultLimit) : IQuery<MessagePage>, MessagePage.IPaging
{
    public sealed class Validator : AbstractValidator<ListMessages>
    {
        public Validator() => Include(new MessagePage.PagingValidator());
    }

    public sealed class Handler(IQuerySession query, Caller caller) : IQueryHandler<ListMessages, MessagePage>
    {
        public async ValueTask<MessagePage> Handle(ListMessages request, CancellationToken cancellationToken)
        {
            var (role, id) = await caller.AsPartyAsync(request.Party, cancellationToken);
            var session = await query.LoadAsync<Session>(request.SessionId, cancellationToken);
            var upTo = session?.ReadableUpTo(role, id) ?? throw new NotFoundException("Session", request.SessionId);
            return await MessagePage.ReadAsync(query, session, upTo, request.Before, request.After, request.Limit, cancellationToken);
        }
    }
}
