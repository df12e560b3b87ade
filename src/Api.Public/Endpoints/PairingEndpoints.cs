using HaloBestie.Application.Pairing;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Public.Endpoints;

/// <summary>Pairing for both apps: the client asks, every available mitra is offered, the first accept wins.</summary>
public static class PairingEndpoints
{
    public static void MapClientPairingEndpoints(this IEndpointRouteBuilder api)
    {
        var requests = api.MapGroup("/api/client/pairing-requests").WithTags("Client pairing")
            .RequireAuthorization(FirebasePolicies.Firebase)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        requests.MapPost("", async (RequestPairing command, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                return TypedResults.Created($"/api/client/pairing-requests/{created.Id}", created);
            })
            .WithName("RequestPairing")
            .WithRateLimit(RateLimits.PairingRequests)
            .WithSummary("Mulai Curhat: blast a request to every available mitra. Topic from GET /api/shared/config; note ≤ 500 characters.")
            .WithDescription("403 registration-required (guest), suspended; 409 already-searching, already-in-session; 429 rate-limited after 10 requests at once, then one every 6 s (Retry-After).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        requests.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetMyPairingRequest(id), ct)))
            .WithName("GetMyPairingRequest")
            .WithSummary("The request's status (searching, matched, cancelled, expired), with the session and mitra once matched.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        requests.MapDelete("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new CancelPairingRequest(id), ct);
                return TypedResults.NoContent();
            })
            .WithName("CancelPairingRequest")
            .WithSummary("Stop searching. 409 request-closed once matched, expired or cancelled.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static void MapMitraPairingEndpoints(this IEndpointRouteBuilder api)
    {
        var requests = api.MapGroup("/api/mitra/pairing-requests").WithTags("Mitra pairing")
            .RequireAuthorization(FirebasePolicies.Firebase)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        requests.MapGet("", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListOfferedPairingRequests(), ct)))
            .WithName("ListOfferedPairingRequests")
            .WithSummary("Requests on offer to this mitra now (for an app that reconnects).");

        requests.MapPost("/{id:guid}/accept", async (Guid id, IMediator mediator, CancellationToken ct) =>
            {
                var accepted = await mediator.Send(new AcceptPairingRequest(id), ct);
                return TypedResults.Created("/api/mitra/sessions/active", accepted);
            })
            .WithName("AcceptPairingRequest")
            .WithSummary("Take the request; the first accept wins and starts the session.")
            .WithDescription("409 already-taken, request-closed, capacity-full; 403 when offline.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        requests.MapPost("/{id:guid}/decline", async (Guid id, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new DeclinePairingRequest(id), ct);
                return TypedResults.NoContent();
            })
            .WithName("DeclinePairingRequest")
            .WithSummary("Pass on the request.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }
}
