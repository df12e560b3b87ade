using HaloBestie.Application.Staff;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Web;
using Mediator;

namespace HaloBestie.Api.Internal.Endpoints;

public static class StaffAuthEndpoints
{
    public static void MapStaffAuthEndpoints(this IEndpointRouteBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth");

        auth.MapPost("/login", async (LogIn command, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(command, ct)))
            .WithName("LogIn")
            .WithRateLimit(RateLimits.StaffLogin)
            .WithRateLimitByBody<LogIn>(RateLimits.StaffLoginEmail, login => login.Email is { } email ? StaffRules.NormalizeEmail(email) : null)
            .WithSummary("Email and password → short-lived staff access token.")
            .WithDescription("401 invalid-credentials for a wrong email or password or an inactive account; 423 locked-out after 5 consecutive failures, for 15 minutes; 429 rate-limited after 20 attempts a minute from one address or 10 in 5 minutes for one email (Retry-After); 409 conflict, whatever the password, only if the account kept changing under 10 tries in a row (try again).")
            .Problems(ProblemNames.InvalidCredentials, ProblemNames.LockedOut)
            .AllowAnonymous();

        auth.MapGet("/me", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetCurrentStaff(), ct)))
            .WithName("GetCurrentStaff")
            .WithSummary("The signed-in staff member.")
            .Problems(ProblemNames.Unauthorized, ProblemNames.NotFound)
            .RequireAuthorization(StaffPolicies.Operator);
    }
}
