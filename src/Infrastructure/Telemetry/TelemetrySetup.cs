using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using HaloBestie.Application.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HaloBestie.Infrastructure.Telemetry;

/// <summary>
/// OpenTelemetry for both hosts (ADR 0018, docs/operations.md#telemetry). Traces: incoming HTTP,
/// outgoing HttpClient (Xendit, Firebase keys), PostgreSQL (Npgsql's own activity source) and
/// Valkey (StackExchange.Redis's profiler through the contrib instrumentation). Metrics: ASP.NET
/// Core, HttpClient, the runtime, Npgsql's pool, and the product's meter <c>HaloBestie</c>.
/// Everything is exported over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; without
/// it the same providers are built with no exporter and a sampler that records nothing, so an
/// idle setup costs next to nothing and a test can still add an exporter and
/// <see cref="TraceSampler"/>.
/// </summary>
public static class TelemetrySetup
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string SampleRatioKey = "Telemetry:TraceSampleRatio";

    public static WebApplicationBuilder AddHaloBestieTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var exporting = !string.IsNullOrWhiteSpace(configuration[EndpointKey]);
        var ratio = SampleRatio(configuration);

        // Every log entry written inside a request (or any other activity) carries its trace and span ids.
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        builder.Services.AddSingleton<DeploymentGauges>();
        builder.Services.AddHostedService(sp => new TelemetryStartReport(exporting,
            sp.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>(), sp.GetRequiredService<ILogger<TelemetryStartReport>>()));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(
                serviceName: configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : builder.Environment.ApplicationName,
                serviceVersion: typeof(TelemetrySetup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion))
            .WithTracing(tracing =>
            {
                tracing
                    .SetSampler(exporting ? TraceSampler(ratio) : new AlwaysOffSampler())
                    // Load balancers probe health every few seconds: not worth a trace each.
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                    .AddHttpClientInstrumentation()
                    .AddSource("Npgsql")
                    .AddRedisInstrumentation();
                if (exporting)
                    tracing.AddOtlpExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Npgsql", ProductMetrics.MeterName)
                    .AddInstrumentation(sp => sp.GetRequiredService<DeploymentGauges>());
                if (exporting)
                    metrics.AddOtlpExporter();
            });
        return builder;
    }

    /// <summary>
    /// The hosts' trace sampling: a trace starts at an incoming request (or any other span that is
    /// not a client call) and keeps <paramref name="ratio"/> of those; children follow their
    /// parent. A PostgreSQL, Valkey or HTTP call made outside any trace, as the workers' polling
    /// every second is, starts no trace of its own.
    /// </summary>
    public static Sampler TraceSampler(double ratio) =>
        new ParentBasedSampler(new NoClientRoots(ratio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio)));

    private static double SampleRatio(ConfigurationManager configuration)
    {
        var text = configuration[SampleRatioKey];
        if (string.IsNullOrWhiteSpace(text))
            return 1;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1)
            return ratio;
        throw new StartupRefusedException($"{SampleRatioKey} must be a number from 0 to 1 (the share of traces kept), not '{text}'. Set Telemetry__TraceSampleRatio, or unset it to keep every trace.");
    }

    private sealed class NoClientRoots(Sampler roots) : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            samplingParameters.Kind == ActivityKind.Client ? new SamplingResult(SamplingDecision.Drop) : roots.ShouldSample(samplingParameters);
    }
}

/// <summary>In Production, says at start when nothing is exported: no metric-based alert can fire then.</summary>
internal sealed partial class TelemetryStartReport(bool exporting, Microsoft.Extensions.Hosting.IHostEnvironment environment, ILogger<TelemetryStartReport> logger)
    : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!exporting && Microsoft.Extensions.Hosting.HostEnvironmentEnvExtensions.IsProduction(environment))
            LogNotExporting(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telemetry export is off: OTEL_EXPORTER_OTLP_ENDPOINT is not set, so metrics and traces go nowhere and no alert on them can fire")]
    private static partial void LogNotExporting(ILogger logger);
}
