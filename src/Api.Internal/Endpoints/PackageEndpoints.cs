using HaloBestie.Application.Payments;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Internal.Endpoints;

public static class PackageEndpoints
{
    public static void MapPackageEndpoints(this IEndpointRouteBuilder api)
    {
        var packages = api.MapGroup("/packages").WithTags("Packages")
            .RequireAuthorization(StaffPolicies.Admin)
            .Problems(ProblemNames.Unauthorized, ProblemNames.Forbidden);

        packages.MapGet("", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListAllPackages(), ct)))
            .WithName("ListAllPackages")
            .WithSummary("Every session package, active or not (admin).");

        packages.MapPost("", async (CreatePackage command, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                return TypedResults.Created($"/api/internal/packages/{created.Id}", created);
            })
            .WithName("CreatePackage")
            .WithSummary("A new active package: 1–100 sessions, IDR 10,000–100,000,000. Audited.");

        packages.MapPut("/{id:guid}", async (Guid id, UpdatePackage.Body body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(body.For(id), ct)))
            .WithName("UpdatePackage")
            .WithSummary("Change a package or retire it (isActive false). Audited.")
            .Problems(ProblemNames.NotFound);
    }
}
