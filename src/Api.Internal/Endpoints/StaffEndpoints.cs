using HaloBestie.Application.Staff;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Internal.Endpoints;

public static class StaffEndpoints
{
    public static void MapStaffEndpoints(this IEndpointRouteBuilder api)
    {
        var staff = api.MapGroup("/staff").WithTags("Staff")
            .RequireAuthorization(StaffPolicies.Admin)
            .Problems(ProblemNames.Unauthorized, ProblemNames.Forbidden);

        staff.MapGet("", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListStaff(), ct)))
            .WithName("ListStaff")
            .WithSummary("All staff accounts (admin).");

        staff.MapPost("", async (CreateStaff command, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                return TypedResults.Created($"/api/internal/staff/{created.Id}", created);
            })
            .WithName("CreateStaff")
            .WithSummary("Create a staff account (admin). Passwords: 12–128 characters.");

        staff.MapPut("/{id:guid}", async (Guid id, UpdateStaff.Body body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(body.For(id), ct)))
            .WithName("UpdateStaff")
            .WithSummary("Change name, role, active flag, and optionally the password (admin). The last active admin cannot be demoted or deactivated (409).")
            .Problems(ProblemNames.NotFound);
    }
}
