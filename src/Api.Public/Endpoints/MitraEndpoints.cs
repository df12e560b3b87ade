using HaloBestie.Application.Conversation;
using HaloBestie.Application.Mitras;
using HaloBestie.Application.Presence;
using HaloBestie.Application.Realtime;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Realtime;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Public.Endpoints;

/// <summary>The mitra app: <c>/api/mitra</c>. Only a bound, active mitra passes (403 not-a-mitra / mitra-inactive).</summary>
public static class MitraEndpoints
{
    public static void MapMitraEndpoints(this IEndpointRouteBuilder api)
    {
        var mitra = api.MapGroup("/api/mitra").WithTags("Mitra")
            .RequireAuthorization(FirebasePolicies.Firebase)
            .Problems(ProblemNames.Unauthorized, ProblemNames.Forbidden, ProblemNames.NotAMitra, ProblemNames.MitraInactive);
        mitra.MapDeviceEndpoints(Party.Mitra);

        mitra.MapPost("/auth/session", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new SignInMitra(), ct)))
            .WithName("SignInMitra")
            .WithRateLimit(RateLimits.SignIn)
            .WithSummary("Sign in with a Firebase phone token whose number is an active mitra's.")
            .WithDescription("403 not-a-mitra: the number is no mitra's, or the mitra is bound to another Firebase account. 403 mitra-inactive: the account is deactivated.");

        mitra.MapGet("/me", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetMyMitraProfile(), ct)))
            .WithName("GetMyMitraProfile")
            .WithSummary("The calling mitra: profile, online, available, capacity, active sessions.");

        mitra.MapPut("/status", async (SetMitraStatus command, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(command, ct)))
            .WithName("SetMitraStatus")
            .WithSummary("Go online or offline. While online, send a heartbeat every heartbeatIntervalSeconds (GET /api/shared/config).");

        mitra.MapPost("/heartbeat", async (IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new RecordHeartbeat(), ct);
                return TypedResults.NoContent();
            })
            .WithName("RecordHeartbeat")
            .WithSummary("Keep-alive while online. 409 conflict: the server has put the mitra offline; go online again.");

        mitra.MapPost("/lifecycle", async (ReportAppLifecycle command, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(command, ct);
                return TypedResults.NoContent();
            })
            .WithName("ReportAppLifecycle")
            .WithSummary("background / foreground: nothing changes (heartbeats decide). closed: offline at once (reason app-closed).");

        mitra.MapGet("/events", async (HttpContext context, IMediator mediator, EventStream stream, CancellationToken ct) =>
            {
                var me = await mediator.Send(new GetMyMitraProfile(), ct);
                await stream.ServeAsync(context, Recipient.Mitra(me.Id));
            })
            .WithName("MitraEvents")
            .ExcludeFromDescription();
    }
}
