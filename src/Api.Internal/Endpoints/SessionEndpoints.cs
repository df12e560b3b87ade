using HaloBestie.Application.Sessions;
using HaloBestie.Infrastructure.Identity;
using Mediator;

namespace HaloBestie.Api.Internal.Endpoints;

public static class SessionEndpoints
{
    public static void MapSessionEndpoints(this IEndpointRouteBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Sessions")
            .RequireAuthorization(StaffPolicies.Operator)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        sessions.MapGet("", async (string? status, Guid? mitraId, Guid? clientId, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize,
                    IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListSessions(status, mitraId, clientId, from, to, page ?? 1, pageSize ?? 20), ct)))
            .WithName("ListSessions")
            .WithSummary("Sessions, newest first; status active or ended; from/to bound the start time.")
            .ProducesValidationProblem();

        sessions.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetSession(id), ct)))
            .WithName("GetSession")
            .ProducesProblem(StatusCodes.Status404NotFound);

        sessions.MapGet("/{id:guid}/history", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetSessionHistory(id), ct)))
            .WithName("GetSessionHistory")
            .WithSummary("Every event of the session in order, with sequence, type, time, actor and data. Audited.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        sessions.MapGet("/{id:guid}/state", async (Guid id, DateTimeOffset at, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetSessionStateAt(id, at), ct)))
            .WithName("GetSessionStateAt")
            .WithSummary("The session rebuilt from its events up to `at` (ISO-8601).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        sessions.MapPost("/{id:guid}/reroute", async (Guid id, RerouteSession.Body body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new RerouteSession(id, body.ToMitraId, body.Reason, body.Force ?? false), ct)))
            .WithName("RerouteSession")
            .WithSummary("Move the session to another mitra. The target must be online (409 mitra-unavailable) and below capacity (409 capacity-full) unless force, which may exceed capacity. Audited.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        sessions.MapPost("/{id:guid}/end", async (Guid id, EndSessionByStaff.Body body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new EndSessionByStaff(id, body.Reason), ct)))
            .WithName("EndSessionByStaff")
            .WithSummary("End an active session (reason required). Audited.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }
}
