using HaloBestie.Application.Pairing;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Internal.Endpoints;

public static class PairingEndpoints
{
    public static void MapPairingEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/pairing-requests", async (string? status, int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListPairingRequests(status, page ?? 1, pageSize ?? 20), ct)))
            .WithTags("Pairing")
            .WithName("ListPairingRequests")
            .WithSummary("Pairing requests, newest first; status: searching, matched, cancelled or expired.")
            .Problems(ProblemNames.Unauthorized, ProblemNames.Validation)
            .RequireAuthorization(StaffPolicies.Operator);
    }
}
