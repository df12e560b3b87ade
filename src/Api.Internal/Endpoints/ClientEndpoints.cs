using HaloBestie.Application.Clients;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Internal.Endpoints;

public static class ClientEndpoints
{
    public static void MapClientEndpoints(this IEndpointRouteBuilder api)
    {
        var clients = api.MapGroup("/clients").WithTags("Clients")
            .RequireAuthorization(StaffPolicies.Operator)
            .Problems(ProblemNames.Unauthorized);

        clients.MapGet("", async (string? search, string? status, int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListClients(search, status, page ?? 1, pageSize ?? 20), ct)))
            .WithName("ListClients")
            .WithSummary("Clients, newest first; search matches display name, email or phone; status: active or suspended.")
            .Problems(ProblemNames.Validation);

        clients.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetClient(id), ct)))
            .WithName("GetClient")
            .WithSummary("One client as the control center sees it.")
            .Problems(ProblemNames.NotFound);

        clients.MapPost("/{id:guid}/suspend", async (Guid id, SuspendClient.Body body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new SuspendClient(id, body.Reason), ct)))
            .WithName("SuspendClient")
            .WithSummary("Suspend (idempotent): the client can sign in and read its profile but not start pairings.")
            .Problems(ProblemNames.NotFound);

        clients.MapPost("/{id:guid}/reinstate", async (Guid id, ReinstateClient.Body body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ReinstateClient(id, body.Reason), ct)))
            .WithName("ReinstateClient")
            .WithSummary("Lift a suspension (idempotent).")
            .Problems(ProblemNames.NotFound);
    }
}
