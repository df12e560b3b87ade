using System.Collections.Concurrent;
using System.Text;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace HaloBestie.IntegrationTests.Telemetry;

public class OtlpExportTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Export_when_an_otlp_endpoint_is_configured_sends_traces_and_metrics_there()
    {
        await using var collector = await Collector.StartAsync();
        await using var host = hosts.Public.WithWebHostBuilder(b => b
            .UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Url)
            .UseSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
            .UseSetting("OTEL_BSP_SCHEDULE_DELAY", "100")
            .UseSetting("OTEL_METRIC_EXPORT_INTERVAL", "200"));
        using var http = host.CreateClient();
        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();

        (await http.GetAsync("/api/shared/config")).EnsureSuccessStatusCode();
        await mitra.RecordHeartbeatAsync();

        var traces = await collector.WaitForAsync("/v1/traces", "/api/shared/config");
        traces.Should().Contain("HaloBestie.Api.Public", "the service is named after the host");
        // Instruments of meters that exist once per process (the runtime's, the product's static
        // one). Those of per-host meters (ASP.NET Core's, the gauges) are unreliable here only:
        // the provider merges same-named instruments of every test host in the process, and drops
        // the merged stream when any of those hosts is disposed.
        await collector.WaitForAsync("/v1/metrics", "dotnet.process.memory.working_set");
        await collector.WaitForAsync("/v1/metrics", "halobestie.presence.heartbeats");
    }

    /// <summary>An OTLP/HTTP receiver on loopback that keeps what it is sent (protobuf, read here as text for its strings).</summary>
    private sealed class Collector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string Path, string Body)> _received = new();

        private Collector(WebApplication app) => _app = app;

        public string Url => _app.Urls.First();

        public static async Task<Collector> StartAsync()
        {
            var builder = FakeFcm.EmbeddedHostLifetime.CreateBuilder();
            var app = builder.Build();
            var collector = new Collector(app);
            app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                collector._received.Enqueue((context.Request.Path, Encoding.UTF8.GetString(body.ToArray())));
                context.Response.ContentType = "application/x-protobuf";
            });
            await app.StartAsync();
            return collector;
        }

        public async Task<string> WaitForAsync(string path, string text)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                var match = _received.FirstOrDefault(r => r.Path == path && r.Body.Contains(text, StringComparison.Ordinal));
                if (match.Body is not null)
                    return match.Body;
                if (DateTime.UtcNow > deadline)
                    throw new InvalidOperationException($"Nothing containing '{text}' was sent to {path}; received: {string.Join(", ", _received.Select(r => $"{r.Path} ({r.Body.Length} bytes)"))}");
                await Task.Delay(100);
            }
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
