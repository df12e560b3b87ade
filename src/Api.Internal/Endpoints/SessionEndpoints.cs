using HaloBestie.Application.Conversation;
using HaloBestie.Application.Sessions;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Internal.Endpoints;

public static class SessionEndpoints
{
    public static void MapSessionEndpoints(this IEndpointRouteBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Sessions")
            .RequireAuthorization(StaffPolicies.Operator)
            .Problems(ProblemNames.Unauthorized);

        sessions.MapGet("", async (string? status, Guid? mitraId, Guid? clientId, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize,
                    IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListSessions(status, mitraId, clientId, from, to, page ?? 1, pageSize ?? 20), ct)))
            .WithName("ListSessions")
            .WithSummary("Sessions, newest first; status active or ended; from/to bound the start time.")
            .Problems(ProblemNames.Validation);

        sessions.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetSession(id), ct)))
            .WithName("GetSession")
            .WithSummary("One session (any status).")
            .Problems(ProblemNames.NotFound);

        sessions.MapGet("/{id:guid}/history", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetSessionHistory(id), ct)))
            .WithName("GetSessionHistory")
            .WithSummary("Every event of the session in order, with sequence, type, time, actor and data. Audited.")
            .Problems(ProblemNames.NotFound);

        sessions.MapGet("/{id:guid}/messages", async (Guid id, long? before, long? after, int? limit, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetTranscript(id, before, after, limit ?? MessagePage.DefaultLimit), ct)))
            .WithName("GetTranscript")
            .WithSummary("The session's conversation, paged as for the apps (newest, or before/after a seq; limit 1–100). Every read is audited.")
            .Problems(ProblemNames.Validation, ProblemNames.NotFound);

        sessions.MapGet("/{id:guid}/state", async (Guid id, DateTimeOffset at, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetSessionStateAt(id, at), ct)))
            .WithName("GetSessionStateAt")
            .WithSummary("The session rebuilt from its events up to `at` (ISO-8601).")
            .Problems(ProblemNames.Validation, ProblemNames.NotFound);

        sessions.MapPost("/{id:guid}/reroute", async (Guid id, RerouteSession.Body body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new RerouteSession(id, body.ToMitraId, body.Reason, body.Force ?? false), ct)))
            .WithName("RerouteSession")
            .WithSummary("Move the session to another mitra. Audited.")
            .WithDescription("The target must be active and online (409 mitra-unavailable) and below capacity (409 capacity-full) unless force, which may exceed capacity. 409 session-ended: the session has ended; conflict: it is already with that mitra. 404 not-found: no such session or target mitra.")
            .Problems(ProblemNames.NotFound, ProblemNames.SessionEnded, ProblemNames.MitraUnavailable, ProblemNames.CapacityFull);

        sessions.MapPost("/{id:guid}/end", async (Guid id, EndSessionByStaff.Body body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new EndSessionByStaff(id, body.Reason, body.Message), ct)))
            .WithName("EndSessionByStaff")
            .WithSummary("End an active session (reason required). Audited.")
            .Problems(ProblemNames.NotFound, ProblemNames.SessionEnded);
    }
}
