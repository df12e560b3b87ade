using HaloBestie.Application.Mitras;
using HaloBestie.Infrastructure.Identity;
using Mediator;

namespace HaloBestie.Api.Public.Endpoints;

/// <summary>The mitra app: <c>/api/mitra</c>. Only a bound, active mitra passes (403 not-a-mitra / mitra-inactive).</summary>
public static class MitraEndpoints
{
    public static void MapMitraEndpoints(this IEndpointRouteBuilder api)
    {
        var mitra = api.MapGroup("/api/mitra").WithTags("Mitra")
            .RequireAuthorization(FirebasePolicies.Firebase)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        mitra.MapPost("/auth/session", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new SignInMitra(), ct)))
            .WithName("SignInMitra")
            .WithSummary("Sign in with a Firebase phone token whose number is an active mitra's.")
            .WithDescription("403 not-a-mitra: the number is no mitra's, or the mitra is bound to another Firebase account. 403 mitra-inactive: the account is deactivated.");

        mitra.MapGet("/me", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetMyMitraProfile(), ct)))
            .WithName("GetMyMitraProfile");
    }
}
