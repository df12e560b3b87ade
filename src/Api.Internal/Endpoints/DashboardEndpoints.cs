using System.Runtime.CompilerServices;
using System.Text.Json;
using HaloBestie.Application.Dashboard;
using HaloBestie.Domain;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Realtime;
using HaloBestie.Infrastructure.Web;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace HaloBestie.Api.Internal.Endpoints;

public static class DashboardEndpoints
{
    public static void MapDashboardEndpoints(this IEndpointRouteBuilder api)
    {
        var dashboard = api.MapGroup("/dashboard").WithTags("Dashboard")
            .RequireAuthorization(StaffPolicies.Operator)
            .Problems(ProblemNames.Unauthorized);

        dashboard.MapGet("", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetDashboard(), ct)))
            .WithName("GetDashboard")
            .WithSummary("Live figures: mitras online/available/at capacity, clients searching, active sessions, and today's pairing and session figures.");

        // Server-sent events (docs/control-center.md "Live updates"): the figures as event "dashboard"; the
        // writer adds the keep-alive and the goodbye when the host stops.
        dashboard.MapGet("/events", (HttpContext context, IMediator mediator, IOptions<JsonOptions> json, TimeProvider clock, EventStreamWriter writer) =>
                writer.WriteAsync(context, FiguresWhenChanged(mediator, json.Value.SerializerOptions, clock)))
            .WithName("DashboardEvents")
            .ExcludeFromDescription();
    }

    /// <summary>The figures at once, then again whenever a figure other than <c>at</c> changed, checked every 250 ms (the cache computes them at most every 500 ms): a change shows within about 0.8 s.</summary>
    private static async IAsyncEnumerable<SseEvent> FiguresWhenChanged(
        IMediator mediator, JsonSerializerOptions json, TimeProvider clock, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var everySecond = new PeriodicTimer(TimeSpan.FromMilliseconds(250), clock);
        string? last = null;
        do
        {
            var figures = await mediator.Send(new GetDashboard(), ct);
            var comparable = JsonSerializer.Serialize(figures with { At = default }, json);
            if (comparable == last)
                continue;
            last = comparable;
            yield return new SseEvent(null, "dashboard", JsonSerializer.Serialize(figures, json));
        }
        while (await everySecond.WaitForNextTickAsync(ct));
    }
}
