using HaloBestie.Application.Conversation;
using HaloBestie.Application.Sessions;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Public.Endpoints;

/// <summary>Sessions for both apps; nobody reads or ends a session that is not theirs (404).</summary>
public static class SessionEndpoints
{
    public static void MapClientSessionEndpoints(this IEndpointRouteBuilder api)
    {
        var sessions = api.MapGroup("/api/client/sessions").WithTags("Client sessions")
            .RequireAuthorization(FirebasePolicies.Firebase)
            .Problems(ProblemNames.Unauthorized, ProblemNames.Forbidden);

        sessions.MapGet("/active", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetMyActiveSession(), ct)))
            .WithName("GetMyActiveSession")
            .WithSummary("The current session; 404 when there is none.")
            .Problems(ProblemNames.NotFound);

        sessions.MapGet("", async (int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListMySessions(page ?? 1, pageSize ?? 20), ct)))
            .WithName("ListMySessions")
            .WithSummary("Own past and current sessions, newest first.")
            .Problems(ProblemNames.Validation);

        sessions.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetMySession(id), ct)))
            .WithName("GetMySession")
            .WithSummary("One of own sessions, ended too, with unread and lastMessage; 404 for another client's.")
            .Problems(ProblemNames.NotFound);

        sessions.MapPost("/{id:guid}/end", async (Guid id, EndMySession.Body? body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new EndMySession(id, body?.Reason), ct)))
            .WithName("EndMySession")
            .WithSummary("End the session. 409 session-ended when it already ended.")
            .Problems(ProblemNames.NotFound, ProblemNames.SessionEnded);

        sessions.MapPost("/{id:guid}/rating", async (Guid id, RateSession.Body? body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Created((string?)null, await mediator.Send(new RateSession(id, body?.Stars, body?.Comment), ct)))
            .WithName("RateSession")
            .WithSummary("Rate an ended session once: 1–5 stars, an optional comment of at most 1,000 characters. 409 session-active before the end, already-rated the second time.")
            .Problems(ProblemNames.Validation, ProblemNames.NotFound, ProblemNames.SessionActive, ProblemNames.AlreadyRated);

        sessions.MapConversationEndpoints(Party.Client);
    }

    public static void MapMitraSessionEndpoints(this IEndpointRouteBuilder api)
    {
        var sessions = api.MapGroup("/api/mitra/sessions").WithTags("Mitra sessions")
            .RequireAuthorization(FirebasePolicies.Firebase)
            .Problems(ProblemNames.Unauthorized, ProblemNames.Forbidden, ProblemNames.NotAMitra, ProblemNames.MitraInactive);

        sessions.MapGet("/active", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListMyActiveSessions(), ct)))
            .WithName("ListMyActiveSessions")
            .WithSummary("Own active sessions, oldest first.");

        sessions.MapGet("", async (int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListMitraSessions(page ?? 1, pageSize ?? 20), ct)))
            .WithName("ListMitraSessions").WithSummary("Own sessions, ended ones too, newest first (paged).").Problems(ProblemNames.Validation);

        sessions.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) => TypedResults.Ok(await mediator.Send(new GetMitraSession(id), ct)))
            .WithName("GetMitraSession").WithSummary("One session this mitra holds or held to its end (ended too); 404 for any other.").Problems(ProblemNames.NotFound);

        sessions.MapPost("/{id:guid}/end", async (Guid id, EndMitraSession.Body? body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new EndMitraSession(id, body?.Reason), ct)))
            .WithName("EndMitraSession")
            .WithSummary("End one of own sessions. 409 session-ended; 404 for another mitra's session.")
            .Problems(ProblemNames.NotFound, ProblemNames.SessionEnded);

        sessions.MapConversationEndpoints(Party.Mitra);
    }
}
