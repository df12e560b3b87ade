using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Conversation;

/// <summary>
/// <c>GET /api/internal/sessions/{id}/messages</c>: the whole conversation, paged as for the apps,
/// for an audit. Every read is itself recorded in the audit log (<c>session.transcript-read</c>,
/// with the page asked for) before the page is read: a read that could not be recorded is not
/// answered.
/// </summary>
public sealed record GetTranscript(Guid SessionId, long? Before, long? After, int Limit = MessagePage.DefaultLimit) : IQuery<MessagePage>, MessagePage.IPaging
{
    public sealed class Validator : AbstractValidator<GetTranscript>
    {
        public Validator() => Include(new MessagePage.PagingValidator());
    }

    public sealed class Handler(IDocumentSession session, Caller caller, TimeProvider clock) : IQueryHandler<GetTranscript, MessagePage>
    {
        public async ValueTask<MessagePage> Handle(GetTranscript query, CancellationToken cancellationToken)
        {
            var found = await session.LoadAsync<Session>(query.SessionId, cancellationToken) ?? throw new NotFoundException("Session", query.SessionId);
            session.Audit(caller.Staff, "session.transcript-read", "session", found.Id, clock.GetUtcNow(),
                $"before={query.Before}; after={query.After}; limit={query.Limit}");
            await session.SaveChangesAsync(cancellationToken);
            return await MessagePage.ReadAsync(session, found, long.MaxValue, query.Before, query.After, query.Limit, cancellationToken);
        }
    }
}
