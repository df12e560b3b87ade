using HaloBestie.Application.Conversation;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Internal.Endpoints;

/// <summary>Care and safety (PRODUCT.md §9): risk flags raised on client messages, and the phrases that raise them.</summary>
public static class CareEndpoints
{
    public static void MapCareEndpoints(this IEndpointRouteBuilder api)
    {
        var flags = api.MapGroup("/risk-flags").WithTags("Care")
            .RequireAuthorization(StaffPolicies.Operator)
            .Problems(ProblemNames.Unauthorized);

        flags.MapGet("", async (string? status, int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListRiskFlags(status, page ?? 1, pageSize ?? 20), ct)))
            .WithName("ListRiskFlags")
            .WithSummary("Risk flags, newest first; status open or acknowledged (all without it).")
            .Problems(ProblemNames.Validation);

        flags.MapPost("/{id:guid}/acknowledge", async (Guid id, AcknowledgeRiskFlag.Body? body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new AcknowledgeRiskFlag(id, body?.Note), ct)))
            .WithName("AcknowledgeRiskFlag")
            .WithSummary("Record what was done about a flag (a note of 1–1,000 characters). Audited. 409 conflict when already acknowledged.")
            .Problems(ProblemNames.Validation, ProblemNames.NotFound, ProblemNames.Conflict);

        var phrases = api.MapGroup("/risk-phrases").WithTags("Care")
            .Problems(ProblemNames.Unauthorized);

        phrases.MapGet("", async (IMediator mediator, CancellationToken ct) => TypedResults.Ok(await mediator.Send(new GetRiskPhrases(), ct)))
            .WithName("GetRiskPhrases")
            .WithSummary("The phrases client messages are matched against (operators may read).")
            .RequireAuthorization(StaffPolicies.Operator);

        phrases.MapPut("", async (UpdateRiskPhrases command, IMediator mediator, CancellationToken ct) => TypedResults.Ok(await mediator.Send(command, ct)))
            .WithName("UpdateRiskPhrases")
            .WithSummary("Replace the risk phrases (admin): 1–500 phrases of 1–100 characters. Audited.")
            .Problems(ProblemNames.Forbidden)
            .RequireAuthorization(StaffPolicies.Admin);
    }
}
