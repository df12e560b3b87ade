using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Application.Push;
using HaloBestie.Domain;
using HaloBestie.Domain.Push;
using HaloBestie.Domain.Sessions;
using JasperFx;
using Marten;
using Mediator;

namespace HaloBestie.Application.Conversation;

/// <summary>
/// <c>PUT /api/{client|mitra}/sessions/{id}/messages/{messageId}</c>: the rules and their order are
/// <see cref="ConversationDecisions.Send"/>. The session's stream is held (a row lock) while the
/// send decides and appends (the caller's lookup, the lock, the session, the message id and the
/// risk phrases are one round trip): sends of both parties, the end and time-up take turns, so each
/// message takes the next <c>seq</c> and none can follow the end. After the commit both parties'
/// streams get <c>message.created</c>. A client's message that matches a risk phrase raises a flag
/// in the same commit (<see cref="ConversationDecisions.FlagRisk"/>: the message is never refused,
/// changed or held back for it), and the mitra gets <c>risk.flagged</c> after the message.
/// </summary>
public sealed record SendMessage(Party Party, Guid SessionId, Guid MessageId, string? Text) : ICommand<SendMessage.Result>
{
    public sealed record Body(string? Text);

    /// <param name="Created">False when this id was already sent with this text (the stored message is answered, 200).</param>
    public sealed record Result(MessageView Message, bool Created);

    public sealed class Validator : AbstractValidator<SendMessage>
    {
        public Validator()
        {
            RuleFor(x => x.MessageId).NotEmpty();
            RuleFor(x => x.Text).Custom((text, context) =>
            {
                if (!ConversationDecisions.IsValidText(text, out var error))
                    context.AddFailure("text", error!);
            });
        }
    }

    public sealed class Handler(StreamWrites writes, Caller caller, ConversationNotifications notify, PushOutbox outbox, TimeProvider clock) : ICommandHandler<SendMessage, Result>
    {
        public async ValueTask<Result> Handle(SendMessage command, CancellationToken cancellationToken)
        {
            var (session, outcome, flag) = await SendAsync(command, cancellationToken);
            switch (outcome)
            {
                case Sent { Message: var sent }:
                    await notify.CreatedAsync(session.Apply(sent), [sent], cancellationToken);
                    if (flag is not null)
                        await notify.RiskFlaggedAsync(session, flag, cancellationToken);
                    return new Result(MessageView.Of(sent), Created: true);
                default:
                    return new Result(MessageView.Of(((AlreadySent)outcome).Message), Created: false);
            }
        }

        private async Task<(Session, SendOutcome, RiskFlagRaised?)> SendAsync(SendMessage command, CancellationToken ct)
        {
            try
            {
                return await writes.RunAsync(nameof(SendMessage), async session =>
                {
                    // One round trip: who is calling, the session's row lock with its document, then
                    // (after the lock, so a send of the same id that committed meanwhile is seen) the
                    // message id, and the risk phrases for a client's message.
                    var batch = session.CreateBatchQuery();
                    var party = caller.AsPartyIn(command.Party, batch);
                    var fetching = batch.Events.FetchForExclusiveWriting<Session>(command.SessionId);
                    var loadingStored = batch.Load<SessionMessage>(command.MessageId);
                    var loadingPhrases = command.Party == Party.Client ? batch.Load<RiskPhraseList>(RiskPhraseList.DocumentId) : null;
                    await batch.Execute(ct);
                    var (role, id) = await party();
                    var stream = await fetching;
                    var current = stream.Aggregate ?? throw new NotFoundException("Session", command.SessionId);
                    var stored = await loadingStored;
                    var phrases = loadingPhrases is null ? [] : (await loadingPhrases)?.Phrases ?? RiskPhrases.Defaults;
                    var outcome = ConversationDecisions.Send(current, role, id, command.MessageId, command.Text!, stored, clock.GetUtcNow());
                    RiskFlagRaised? flag = null;
                    if (outcome is Sent { Message: var sent })
                    {
                        stream.AppendOne(sent);
                        outbox.Enqueue(session, PushDecisions.MessageToClient(current, sent));
                        flag = ConversationDecisions.FlagRisk(sent, phrases, Guid.CreateVersion7());
                        if (flag is not null)
                            stream.AppendOne(flag);
                    }
                    return (current, outcome, flag);
                }, ct);
            }
            catch (DocumentAlreadyExistsException)
            {
                // The same id sent at the same moment into another session: the other one won.
                throw ConversationDecisions.MessageIdReused();
            }
        }
    }
}
