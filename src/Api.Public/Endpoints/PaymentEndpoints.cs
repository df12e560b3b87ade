using HaloBestie.Application.Payments;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace HaloBestie.Api.Public.Endpoints;

/// <summary>Packages, checkout and entitlements for the client app; the Xendit webhook.</summary>
public static class PaymentEndpoints
{
    public static void MapClientPaymentEndpoints(this IEndpointRouteBuilder api)
    {
        var client = api.MapGroup("/api/client").WithTags("Client payments")
            .RequireAuthorization(FirebasePolicies.Firebase)
            .Problems(ProblemNames.Unauthorized, ProblemNames.Forbidden);

        client.MapGet("/entitlements", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetMyEntitlements(), ct)))
            .WithName("GetMyEntitlements")
            .WithSummary("Trial sessions left and paid credits.");

        client.MapGet("/packages", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListPackages(), ct)))
            .WithName("ListPackages")
            .WithSummary("Purchasable session packages, prices in IDR.");

        client.MapPost("/payments", async (StartPayment command, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, IMediator mediator, CancellationToken ct) =>
            {
                var started = await mediator.Send(command with { IdempotencyKey = idempotencyKey }, ct);
                return TypedResults.Created($"/api/client/payments/{started.PaymentId}", started);
            })
            .WithName("StartPayment")
            .WithSummary("Create a Xendit invoice for a package; open invoiceUrl to pay.")
            .WithDescription("Send an Idempotency-Key header (a new UUID per purchase, kept for its retries): the same key again answers the same payment and invoice, never a second invoice; the same key for another package is 409 conflict. 403 registration-required: a guest (anonymous) account. 404 not-found: no active package with this id. 503 payment-provider-unavailable: Xendit is not configured or cannot be reached (Retry-After). 429 rate-limited past 5 new payments in 5 minutes.")
            .WithRateLimit(RateLimits.Payments)
            .Problems(ProblemNames.Validation, ProblemNames.NotFound, ProblemNames.RegistrationRequired, ProblemNames.Conflict, PaymentProblems.ProviderUnavailable);

        client.MapGet("/payments/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetMyPayment(id), ct)))
            .WithName("GetMyPayment")
            .WithSummary("Payment status: pending, paid, expired or failed.")
            .Problems(ProblemNames.NotFound);
    }

    public static void MapPaymentWebhookEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/api/shared/payments/xendit/callback", async (HttpRequest request, IMediator mediator, CancellationToken ct) =>
            {
                using var reader = new StreamReader(request.Body);
                var body = await reader.ReadToEndAsync(ct);
                return TypedResults.Ok(await mediator.Send(new ApplyXenditCallback(request.Headers["x-callback-token"].FirstOrDefault(), body), ct));
            })
            .WithTags("Shared")
            .WithName("XenditCallback")
            .WithRateLimit(RateLimits.XenditWebhook)
            .WithSummary("Xendit invoice webhook (header x-callback-token). 200 once applied or already applied; 401 on a bad token.")
            .Problems(ProblemNames.Unauthorized, ProblemNames.Validation, ProblemCatalog.PayloadTooLarge)
            .ExcludeFromDescription() // Xendit's contract, not the apps': kept out of the mobile document (docs/payments.md)
            .AllowAnonymous();
    }
}
