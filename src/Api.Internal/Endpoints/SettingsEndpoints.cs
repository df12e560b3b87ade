using HaloBestie.Application.Settings;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Internal.Endpoints;

public static class SettingsEndpoints
{
    public static void MapSettingsEndpoints(this IEndpointRouteBuilder api)
    {
        var settings = api.MapGroup("/settings").WithTags("Settings")
            .Problems(ProblemNames.Unauthorized);

        settings.MapGet("", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetSettings(), ct)))
            .WithName("GetSettings")
            .WithSummary("The platform settings in force (operators may read).")
            .RequireAuthorization(StaffPolicies.Operator);

        settings.MapPut("", async (UpdateSettings command, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(command, ct)))
            .WithName("UpdateSettings")
            .WithSummary("Replace every setting (admin). Ranges: maxCustomersPerMitra 1–20, pairingTimeoutSeconds 5–600, heartbeatIntervalSeconds 1–300, heartbeatTimeoutSeconds > interval and ≤ 3600, sessionDurationMinutes 5–240, trialSessions 0–10, 1–20 unique topics of ≤ 40 characters, an IANA timeZone.")
            .Problems(ProblemNames.Forbidden)
            .RequireAuthorization(StaffPolicies.Admin);
    }
}
