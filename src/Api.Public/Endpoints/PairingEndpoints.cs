using HaloBestie.Application.Pairing;
using HaloBestie.Domain;
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
            .Problems(ProblemNames.Unauthorized, ProblemNames.Forbidden);

        requests.MapPost("", async (RequestPairing command, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                return TypedResults.Created($"/api/client/pairing-requests/{created.Id}", created);
            })
            .WithName("RequestPairing")
            .WithRateLimit(RateLimits.PairingRequests)
            .WithSummary("Mulai Curhat: blast a request to every available mitra. Topic from GET /api/shared/config; note ≤ 500 characters.")
            .WithDescription("403 registration-required: a guest (anonymous) account; payment-required: no trial session or credit left; suspended: the account is suspended. 409 already-searching: a request of this client is still searching; already-in-session: a session is active. 429 rate-limited after 10 requests at once, then one every 6 s (Retry-After).")
            .Problems(ProblemNames.RegistrationRequired, ProblemNames.PaymentRequired, ProblemNames.Suspended, ProblemNames.AlreadySearching, ProblemNames.AlreadyInSession);

        requests.MapGet("/current", async (IMediator mediator, CancellationToken ct) => TypedResults.Ok(await mediator.Send(new GetMySearchingRequest(), ct)))
            .WithName("GetMySearchingRequest")
            .WithSummary("The request still searching, if any (404 otherwise): after a lost answer of POST, or an app restart while searching.")
            .Problems(ProblemNames.NotFound);

        requests.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetMyPairingRequest(id), ct)))
            .WithName("GetMyPairingRequest")
            .WithSummary("The request's status (searching, matched, cancelled, expired), with the session and mitra once matched.")
            .Problems(ProblemNames.NotFound);

        requests.MapDelete("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new CancelPairingRequest(id), ct);
                return TypedResults.NoContent();
            })
            .WithName("CancelPairingRequest")
            .WithSummary("Stop searching. 409 request-closed once matched, expired or cancelled.")
            .Problems(ProblemNames.NotFound, ProblemNames.RequestClosed);
    }

    public static void MapMitraPairingEndpoints(this IEndpointRouteBuilder api)
    {
        var requests = api.MapGroup("/api/mitra/pairing-requests").WithTags("Mitra pairing")
            .RequireAuthorization(FirebasePolicies.Firebase)
            .Problems(ProblemNames.Unauthorized, ProblemNames.Forbidden, ProblemNames.NotAMitra, ProblemNames.MitraInactive);

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
            .WithDescription("403 forbidden: the mitra is offline (go online first). 409 already-taken: another mitra took it; request-closed: cancelled, expired, or the client can no longer pay; capacity-full: the mitra serves as many clients as it may; conflict: many mitras accepted at once (try again).")
            .Problems(ProblemNames.NotFound, ProblemNames.AlreadyTaken, ProblemNames.RequestClosed, ProblemNames.CapacityFull);

        requests.MapPost("/{id:guid}/decline", async (Guid id, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new DeclinePairingRequest(id), ct);
                return TypedResults.NoContent();
            })
            .WithName("DeclinePairingRequest")
            .WithSummary("Pass on the request. 409 already-taken or request-closed once it is no longer searching.")
            .Problems(ProblemNames.NotFound, ProblemNames.AlreadyTaken, ProblemNames.RequestClosed);
    }
}
