using HaloBestie.Application.Mitras;
using HaloBestie.Application.Presence;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Internal.Endpoints;

public static class MitraEndpoints
{
    public static void MapMitraEndpoints(this IEndpointRouteBuilder api)
    {
        var mitras = api.MapGroup("/mitras").WithTags("Mitras")
            .RequireAuthorization(StaffPolicies.Operator)
            .Problems(ProblemNames.Unauthorized);

        mitras.MapGet("", async (string? search, bool? active, bool? online, int? page, int? pageSize, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListMitras(search, active, online, page ?? 1, pageSize ?? 20), ct)))
            .WithName("ListMitras")
            .WithSummary("Mitras, newest first; search matches name, alias or phone number; filters active and online.")
            .Problems(ProblemNames.Validation);

        mitras.MapPost("", async (RegisterMitra command, IMediator mediator, CancellationToken ct) =>
            {
                var mitra = await mediator.Send(command, ct);
                return TypedResults.Created($"/api/internal/mitras/{mitra.Id}", mitra);
            })
            .WithName("RegisterMitra")
            .WithSummary("Register a mitra. The phone number is stored in E.164 (numbers without a country code are read as Indonesian).");

        mitras.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetMitra(id), ct)))
            .WithName("GetMitra")
            .WithSummary("One mitra: profile, presence, capacity, active sessions and its ratings.")
            .Problems(ProblemNames.NotFound);

        mitras.MapPut("/{id:guid}", async (Guid id, EditMitra.Body body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(body.For(id), ct)))
            .WithName("EditMitra")
            .WithSummary("Replace the mitra's profile.")
            .Problems(ProblemNames.NotFound);

        mitras.MapPost("/{id:guid}/deactivate", async (Guid id, DeactivateMitra.Body? body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new DeactivateMitra(id, body?.Reason), ct)))
            .WithName("DeactivateMitra")
            .WithSummary("Deactivate the account (idempotent). The mitra can no longer sign in or go online.")
            .Problems(ProblemNames.NotFound);

        mitras.MapPost("/{id:guid}/activate", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ActivateMitra(id), ct)))
            .WithName("ActivateMitra")
            .WithSummary("Reactivate the account (idempotent).")
            .Problems(ProblemNames.NotFound);

        mitras.MapPost("/{id:guid}/force-offline", async (Guid id, ForceMitraOffline.Body body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ForceMitraOffline(id, body.Reason), ct)))
            .WithName("ForceMitraOffline")
            .WithSummary("Put the mitra offline (reason forced-by-staff); the app is told with presence.offline.")
            .Problems(ProblemNames.NotFound);

        mitras.MapPut("/{id:guid}/capacity", async (Guid id, SetMitraCapacity.Body body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new SetMitraCapacity(id, body.MaxCustomers), ct)))
            .WithName("SetMitraCapacity")
            .WithSummary("Clients this mitra may serve at once (1–20), or null for the platform's maxCustomersPerMitra.")
            .Problems(ProblemNames.NotFound);

        mitras.MapGet("/{id:guid}/online-logs", async (Guid id, DateTimeOffset? from, DateTimeOffset? to, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetMitraOnlineLogs(id, from, to), ct)))
            .WithName("GetMitraOnlineLogs")
            .WithSummary("Online periods overlapping [from, to) (default: the last 7 days; at most 93 days), with reasons and seconds, and daily totals in the platform time zone.")
            .Problems(ProblemNames.Validation, ProblemNames.NotFound);
    }
}
