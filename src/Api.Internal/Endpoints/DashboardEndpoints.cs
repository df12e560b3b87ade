using System.Diagnostics;
using System.Text;
using System.Text.Json;
using HaloBestie.Application.Dashboard;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Realtime;
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
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        dashboard.MapGet("", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetDashboard(), ct)))
            .WithName("GetDashboard")
            .WithSummary("Live figures: mitras online/available/at capacity, clients searching, active sessions, and today's pairing and session figures.");

        // Server-sent events: the same figures as event "dashboard", sent when they change, checked once a second;
        // ": keep-alive" after EventStreams:KeepAliveSeconds (default 15) without one.
        dashboard.MapGet("/events", async (HttpContext context, IMediator mediator, IOptions<JsonOptions> json, IHostApplicationLifetime lifetime, EventStreamOptions streams) =>
            {
                // Ends when the screen closes or this host stops (the screen then reconnects elsewhere).
                using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
                var ct = ended.Token;
                context.Response.ContentType = "text/event-stream";
                context.Response.Headers.CacheControl = "no-cache, no-store";
                string? last = null;
                var quietSince = DateTime.UtcNow;
                await Write(context, "retry: 3000\n: connected\n\n", ct);
                // Not a span per second under a request that lasts hours (ADR 0018).
                Activity.Current = null;
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                try
                {
                    do
                    {
                        var figures = await mediator.Send(new GetDashboard(), ct);
                        var comparable = JsonSerializer.Serialize(figures with { At = default }, json.Value.SerializerOptions);
                        if (comparable != last)
                        {
                            last = comparable;
                            quietSince = DateTime.UtcNow;
                            await Write(context, $"event: dashboard\ndata: {JsonSerializer.Serialize(figures, json.Value.SerializerOptions)}\n\n", ct);
                        }
                        else if (DateTime.UtcNow - quietSince >= streams.KeepAlive)
                        {
                            quietSince = DateTime.UtcNow;
                            await Write(context, ": keep-alive\n\n", ct);
                        }
                    }
                    while (await timer.WaitForNextTickAsync(ct));
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // The screen was closed, or the host is stopping.
                }
            })
            .WithName("DashboardEvents")
            .ExcludeFromDescription();
    }

    private static async Task Write(HttpContext context, string text, CancellationToken ct)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await context.Response.Body.FlushAsync(ct);
    }
}
