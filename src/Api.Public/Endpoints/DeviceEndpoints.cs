using HaloBestie.Application.Conversation;
using HaloBestie.Application.Devices;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Public.Endpoints;

/// <summary>
/// The app installations that can be reached by push (PRODUCT.md §10, docs/push.md), the same
/// routes under <c>/api/client</c> and <c>/api/mitra</c>: <paramref name="party"/> says which app
/// calls. Operation names end in the party (<c>RegisterDeviceAsClient</c>…).
/// </summary>
public static class DeviceEndpoints
{
    public static void MapDeviceEndpoints(this RouteGroupBuilder app, Party party)
    {
        var by = "As" + party;

        app.MapPut("/devices/{installationId}", async (string installationId, RegisterDevice.Body? body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new RegisterDevice(party, installationId, body?.FcmToken, body?.Platform), ct)))
            .WithName("RegisterDevice" + by)
            .WithSummary("Register this installation's FCM token (at every start and when Firebase gives a new token); replaces the previous token.")
            .WithDescription("One row per installation id (the app's own, stable across starts). A token another installation or account held moves here. Installations not registered for 60 days are dropped.")
            .Problems(ProblemNames.Validation, ProblemNames.Conflict);

        app.MapDelete("/devices/{installationId}", async (string installationId, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new UnregisterDevice(party, installationId), ct);
                return TypedResults.NoContent();
            })
            .WithName("UnregisterDevice" + by)
            .WithSummary("At sign-out: this installation gets no more pushes for this account. 204 whether or not it was registered.");
    }
}
