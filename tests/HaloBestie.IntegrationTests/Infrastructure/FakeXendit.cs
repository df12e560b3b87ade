using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace HaloBestie.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP server on loopback answering Xendit's invoice API the way Xendit documents it,
/// or failing the way the test asks (400, 401, 500, or too slow).
/// </summary>
public sealed class FakeXendit : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeXendit(WebApplication app) => _app = app;

    public enum Mode { Ok, BadRequest, Unauthorized, ServerError, Slow }

    public Mode Behaviour { get; set; } = Mode.Ok;

    public ConcurrentQueue<(string? Authorization, JsonElement Body)> Requests { get; } = new();

    public string Url => _app.Urls.First();

    public static async Task<FakeXendit> StartAsync()
    {
        var builder = FakeFcm.EmbeddedHostLifetime.CreateBuilder();
        var app = builder.Build();
        var fake = new FakeXendit(app);
        app.MapPost("/v2/invoices", async (HttpContext context) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
            fake.Requests.Enqueue((context.Request.Headers.Authorization.ToString(), body));
            switch (fake.Behaviour)
            {
                case Mode.BadRequest:
                    return Results.Json(new { error_code = "API_VALIDATION_ERROR", message = "amount too small" }, statusCode: 400);
                case Mode.Unauthorized:
                    return Results.Json(new { error_code = "INVALID_API_KEY", message = "bad key" }, statusCode: 401);
                case Mode.ServerError:
                    return Results.Json(new { error_code = "SERVER_ERROR" }, statusCode: 500);
                case Mode.Slow:
                    await Task.Delay(TimeSpan.FromSeconds(15), context.RequestAborted);
                    break;
            }
            var id = "inv_" + Guid.NewGuid().ToString("N")[..12];
            return Results.Json(new
            {
                id,
                external_id = body.GetProperty("external_id").GetString(),
                status = "PENDING",
                amount = body.GetProperty("amount").GetInt64(),
                invoice_url = $"https://checkout-staging.xendit.co/web/{id}",
                expiry_date = DateTimeOffset.UtcNow.AddDays(1),
            });
        });
        await app.StartAsync();
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
