using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Conversation;

/// <summary>
/// <c>POST /api/{client|mitra}/sessions/{id}/typing</c>: the other party gets
/// <c>message.typing</c>, at most once every 3 s per sender (<see cref="ITypingSignals"/>); 409
/// <c>session-ended</c> as for a send (<see cref="ConversationDecisions.EnsureCanWrite"/>).
/// Nothing is stored.
/// </summary>
public sealed record SignalTyping(Party Party, Guid SessionId) : ICommand
{
    public sealed class Handler(IQuerySession query, Caller caller, ITypingSignals typing, ConversationNotifications notify) : ICommandHandler<SignalTyping>
    {
        public async ValueTask<Unit> Handle(SignalTyping command, CancellationToken cancellationToken)
        {
            var (role, id) = await caller.AsPartyAsync(command.Party, cancellationToken);
            var session = await query.LoadAsync<Session>(command.SessionId, cancellationToken) ?? throw new NotFoundException("Session", command.SessionId);
            ConversationDecisions.EnsureCanWrite(session, role, id);
            if (await typing.TryStartAsync(session.Id, role))
                await notify.TypingAsync(session, role, cancellationToken);
            return Unit.Value;
        }
    }
}
