using HaloBestie.Application.Conversation;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Web;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HaloBestie.Api.Public.Endpoints;

/// <summary>
/// The conversation of a session (PRODUCT.md §8), the same routes under the client's and the
/// mitra's sessions: <paramref name="party"/> says which app calls. Operation names end in the
/// party (<c>SendMessageAsClient</c>, <c>SendMessageAsMitra</c>…).
/// </summary>
public static class ConversationEndpoints
{
    public static void MapConversationEndpoints(this RouteGroupBuilder sessions, Party party)
    {
        var by = "As" + party;

        sessions.MapPut("/{id:guid}/messages/{messageId:guid}", async Task<Results<Created<MessageView>, Ok<MessageView>>> (
                    Guid id, Guid messageId, SendMessage.Body? body, IMediator mediator, CancellationToken ct) =>
            {
                var sent = await mediator.Send(new SendMessage(party, id, messageId, body?.Text), ct);
                return sent.Created ? TypedResults.Created((string?)null, sent.Message) : TypedResults.Ok(sent.Message);
            })
            .WithName("SendMessage" + by)
            .WithSummary("Send a message under the id the app chose: 201 the new message; 200 the stored one when this id was already sent with this text.")
            .WithDescription("Retry with the same id after a lost answer, never with a new one. 409 conflict: this id was used for another text; 409 session-ended: the session ended (or, for a mitra, was rerouted to another); 400 validation: 1–4,000 characters after trimming, no control characters but line feed and tab. 429 rate-limited (Retry-After).")
            .WithRateLimit(RateLimits.Messages)
            .Problems(ProblemNames.Validation, ProblemNames.NotFound, ProblemNames.Conflict, ProblemNames.SessionEnded);

        sessions.MapGet("/{id:guid}/messages", async (Guid id, long? before, long? after, int? limit, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListMessages(party, id, before, after, limit ?? MessagePage.DefaultLimit), ct)))
            .WithName("ListMessages" + by)
            .WithSummary("A page of the conversation in seq order: the newest, or before/after a seq; limit 1–100 (default 50); hasMore; the read marks.")
            .Problems(ProblemNames.Validation, ProblemNames.NotFound);

        sessions.MapPost("/{id:guid}/read", async (Guid id, MarkMessagesRead.Body? body, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new MarkMessagesRead(party, id, body?.UpToSeq), ct);
                return TypedResults.NoContent();
            })
            .WithName("MarkMessagesRead" + by)
            .WithSummary("Read up to a seq; a mark never moves back (an older one changes nothing). Both parties get message.read.")
            .Problems(ProblemNames.Validation, ProblemNames.NotFound);

        sessions.MapPost("/{id:guid}/typing", async (Guid id, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new SignalTyping(party, id), ct);
                return TypedResults.NoContent();
            })
            .WithName("SignalTyping" + by)
            .WithSummary("Tell the other party this one is typing (at most one message.typing every 3 s). 409 session-ended.")
            .WithRateLimit(RateLimits.Messages)
            .Problems(ProblemNames.NotFound, ProblemNames.SessionEnded);
    }
}
