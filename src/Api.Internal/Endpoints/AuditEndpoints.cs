using HaloBestie.Application.Audit;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Internal.Endpoints;

public static class AuditEndpoints
{
    public static void MapAuditEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/audit", async (Guid? staffId, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListAuditEntries(staffId, from, to, page ?? 1, pageSize ?? 50), ct)))
            .WithTags("Audit")
            .WithName("ListAuditEntries")
            .WithSummary("Staff actions, newest first.")
            .Problems(ProblemNames.Unauthorized, ProblemNames.Validation)
            .RequireAuthorization(StaffPolicies.Operator);
    }
}
