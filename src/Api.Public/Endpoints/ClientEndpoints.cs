using HaloBestie.Application.Conversation;
using HaloBestie.Application.Clients;
using HaloBestie.Application.DataRights;
using HaloBestie.Application.Realtime;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Realtime;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Public.Endpoints;

/// <summary>The client app: <c>/api/client</c>. A mitra's token gets 403 on every route.</summary>
public static class ClientEndpoints
{
    public static void MapClientEndpoints(this IEndpointRouteBuilder api)
    {
        var client = api.MapGroup("/api/client").WithTags("Client")
            .RequireAuthorization(FirebasePolicies.Firebase)
            .Problems(ProblemNames.Unauthorized, ProblemNames.Forbidden);
        client.MapDeviceEndpoints(Party.Client);

        client.MapPost("/auth/session", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new SignInClient(), ct)))
            .WithName("SignInClient")
            .WithRateLimit(RateLimits.SignIn)
            .WithSummary("Sign in; creates the client on first call.")
            .WithDescription("needsDisplayName: show the display-name screen. mustRegister: the account is anonymous (guest); it may browse but must link Google, Apple or phone before pairing.");

        client.MapPost("/auth/register", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new RegisterClient(), ct)))
            .WithName("RegisterClient")
            .WithRateLimit(RateLimits.SignIn)
            .WithSummary("Record registration after linking Google, Apple or phone in Firebase (send the refreshed token).")
            .WithDescription("409 conflict: the token is still anonymous; link an account in Firebase, then call again with the new token.");

        client.MapGet("/me", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetMyClientProfile(), ct)))
            .WithName("GetMyClientProfile")
            .WithSummary("The calling client: id, alias, display name, whether registered, sign-in provider.");

        client.MapPut("/me/display-name", async (SetDisplayName command, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(command, ct)))
            .WithName("SetDisplayName")
            .WithSummary("3–30 letters, digits, spaces or . _ - (any script); trimmed.");

        client.MapGet("/me/export", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ExportMyData(), ct)))
            .WithName("ExportMyData")
            .WithSummary("Everything the system holds about the caller, as one JSON document (docs/privacy.md describes each field).");

        client.MapDelete("/me", async (IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new EraseMyAccount(), ct);
                return TypedResults.NoContent();
            })
            .WithName("EraseMyAccount")
            .Problems(ProblemNames.ReauthenticationRequired, ProblemNames.Conflict)
            .WithSummary("Delete the account: closes an open request or session, then erases the client's personal data everywhere (docs/privacy.md).")
            .WithDescription("Needs a sign-in within the last 5 minutes (the token's auth_time): otherwise 403 reauthentication-required — sign in again and repeat. Signing in later with the same Firebase account starts a new client, without a second trial.");

        client.MapGet("/events", async (HttpContext context, IMediator mediator, EventStream stream, CancellationToken ct) =>
            {
                var me = await mediator.Send(new GetMyClientProfile(), ct);
                await stream.ServeAsync(context, Recipient.Client(me.Id));
            })
            .WithName("ClientEvents")
            .ExcludeFromDescription();
    }
}
