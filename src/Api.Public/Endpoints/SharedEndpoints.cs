using HaloBestie.Application.Settings;
using Mediator;

namespace HaloBestie.Api.Public.Endpoints;

/// <summary>Both apps: <c>/api/shared</c>.</summary>
public static class SharedEndpoints
{
    public static void MapSharedEndpoints(this IEndpointRouteBuilder api)
    {
        var shared = api.MapGroup("/api/shared").WithTags("Shared");

        shared.MapGet("/config", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetAppConfig(), ct)))
            .WithName("GetAppConfig")
            .WithSummary("Heartbeat interval, pairing timeout and the topics a client may pick. No authentication.")
            .AllowAnonymous();
    }
}
