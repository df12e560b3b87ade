using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Sessions;
using Mediator;

namespace HaloBestie.Application.Conversation;

/// <summary>
/// <c>POST /api/{client|mitra}/sessions/{id}/read</c> <c>{upToSeq}</c>: the caller's read mark
/// moves forward (<see cref="ConversationDecisions.Read"/>; an older mark changes nothing, a mark
/// past the last message stops at it), also after the end; both parties get <c>message.read</c>.
/// </summary>
public sealed record MarkMessagesRead(Party Party, Guid SessionId, long? UpToSeq) : ICommand
{
    public sealed record Body(long? UpToSeq);

    public sealed class Validator : AbstractValidator<MarkMessagesRead>
    {
        public Validator() => RuleFor(x => x.UpToSeq).NotNull().GreaterThanOrEqualTo(0);
    }

    public sealed class Handler(StreamWrites writes, Caller caller, ConversationNotifications notify, TimeProvider clock) : ICommandHandler<MarkMessagesRead>
    {
        public async ValueTask<Unit> Handle(MarkMessagesRead command, CancellationToken cancellationToken)
        {
            var (session, read) = await writes.RunAsync(nameof(MarkMessagesRead), async s =>
            {
                // One round trip: who is calling, and the session's row lock with its document.
                var batch = s.CreateBatchQuery();
                var party = caller.AsPartyIn(command.Party, batch);
                var fetching = batch.Events.FetchForExclusiveWriting<Session>(command.SessionId);
                await batch.Execute(cancellationToken);
                var (role, id) = await party();
                var stream = await fetching;
                var current = stream.Aggregate ?? throw new NotFoundException("Session", command.SessionId);
                var read = ConversationDecisions.Read(current, role, id, command.UpToSeq!.Value, clock.GetUtcNow());
                if (read is not null)
                    stream.AppendOne(read);
                return (current, read);
            }, cancellationToken);
            if (read is not null)
                await notify.ReadAsync(session, read, cancellationToken);
            return Unit.Value;
        }
    }
}
