using System.Diagnostics;
using System.Text.Json;
using HaloBestie.Infrastructure;
using HaloBestie.Infrastructure.Telemetry;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace HaloBestie.IntegrationTests.Telemetry;

/// <summary>
/// <c>Logging:Format=cloud-logging</c> (issue 21 item 6): entries in the shape Cloud Logging
/// reads, so that severity alerts, Error Reporting and the link to the trace work.
/// </summary>
public sealed class CloudLoggingFormatterTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private static JsonElement Write(LogLevel level, Exception? exception, string? project = "halobestie-prod")
    {
        var formatter = new CloudLoggingFormatter(new StaticOptions(new CloudLoggingFormatterOptions { ProjectId = project }));
        IReadOnlyList<KeyValuePair<string, object?>> state =
        [
            new("Reason", "Valkey READONLY"),
            new("Attempt", 3),
            new("{OriginalFormat}", "Sweep failed: {Reason} ({Attempt})"),
        ];
        using var writer = new StringWriter();
        formatter.Write(new LogEntry<IReadOnlyList<KeyValuePair<string, object?>>>(level, "HaloBestie.Infrastructure.Workers.PresenceSweeper", new EventId(7), state, exception,
            (_, _) => "Sweep failed: Valkey READONLY (3)"), null, writer);
        writer.ToString().Should().EndWith("\n").And.NotContain("\n{", "one object per line");
        return JsonDocument.Parse(writer.ToString()).RootElement.Clone();
    }

    [Fact]
    public void Entry_has_severity_message_time_category_and_the_structured_values()
    {
        var entry = Write(LogLevel.Warning, exception: null);

        entry.GetProperty("severity").GetString().Should().Be("WARNING");
        entry.GetProperty("message").GetString().Should().Be("Sweep failed: Valkey READONLY (3)");
        DateTimeOffset.Parse(entry.GetProperty("time").GetString()!).Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        entry.GetProperty("category").GetString().Should().Be("HaloBestie.Infrastructure.Workers.PresenceSweeper");
        entry.GetProperty("eventId").GetInt32().Should().Be(7);
        entry.GetProperty("state").GetProperty("Reason").GetString().Should().Be("Valkey READONLY");
        entry.GetProperty("state").GetProperty("Attempt").GetString().Should().Be("3");
        entry.GetProperty("state").TryGetProperty("{OriginalFormat}", out _).Should().BeFalse();
        entry.TryGetProperty("@type", out _).Should().BeFalse("only errors with an exception are reported as errors");
    }

    [Theory]
    [InlineData(LogLevel.Trace, "DEBUG")]
    [InlineData(LogLevel.Debug, "DEBUG")]
    [InlineData(LogLevel.Information, "INFO")]
    [InlineData(LogLevel.Error, "ERROR")]
    [InlineData(LogLevel.Critical, "CRITICAL")]
    public void Severity_is_Cloud_Loggings_name_of_the_level(LogLevel level, string severity) =>
        Write(level, exception: null).GetProperty("severity").GetString().Should().Be(severity);

    [Fact]
    public void Error_with_an_exception_inside_a_trace_carries_its_stack_the_error_type_and_the_trace()
    {
        using var source = new ActivitySource("cloud-logging-test");
        using var listener = new ActivityListener { ShouldListenTo = s => s == source, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);
        using var activity = source.StartActivity("request")!;
        Exception thrown;
        try
        {
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        var entry = Write(LogLevel.Error, thrown);

        entry.GetProperty("message").GetString().Should().StartWith("Sweep failed: Valkey READONLY (3)\nSystem.InvalidOperationException: boom").And.Contain(" at ");
        entry.GetProperty("@type").GetString().Should().Be(CloudLoggingFormatter.ReportedErrorEvent);
        entry.GetProperty("logging.googleapis.com/trace").GetString().Should().Be($"projects/halobestie-prod/traces/{activity.TraceId.ToHexString()}");
        entry.GetProperty("logging.googleapis.com/spanId").GetString().Should().Be(activity.SpanId.ToHexString());
        entry.GetProperty("logging.googleapis.com/trace_sampled").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void Host_with_Logging_Format_cloud_logging_writes_its_console_with_this_formatter()
    {
        using var host = hosts.Public.WithWebHostBuilder(b => b.UseSetting(HostSetup.LogFormatKey, CloudLoggingFormatter.FormatterName));

        host.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName.Should().Be(CloudLoggingFormatter.FormatterName);
        hosts.Public.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName.Should().Be("json", "the default outside Development");
    }

    private sealed class StaticOptions(CloudLoggingFormatterOptions value) : IOptionsMonitor<CloudLoggingFormatterOptions>
    {
        public CloudLoggingFormatterOptions CurrentValue => value;

        public CloudLoggingFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<CloudLoggingFormatterOptions, string?> listener) => null;
    }
}
