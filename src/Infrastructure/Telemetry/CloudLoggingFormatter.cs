using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace HaloBestie.Infrastructure.Telemetry;

public sealed class CloudLoggingFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>The Google Cloud project of the traces (<c>Logging:CloudLogging:ProjectId</c>, or <c>GOOGLE_CLOUD_PROJECT</c>).</summary>
    public string? ProjectId { get; set; }
}

/// <summary>
/// One JSON object per line in the shape Cloud Logging reads from a container's stdout
/// (<c>Logging:Format</c> = <c>cloud-logging</c>, docs/operations.md#logs): <c>severity</c> (so
/// severity filters and alerts work), <c>message</c> (with the exception's stack trace, so Error
/// Reporting groups errors), <c>time</c>, <c>logging.googleapis.com/trace</c> and <c>…/spanId</c>
/// (so the entry links to its trace), and the category, event id and structured values.
/// </summary>
public sealed class CloudLoggingFormatter(IOptionsMonitor<CloudLoggingFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "cloud-logging";
    public const string ReportedErrorEvent = "type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (logEntry.Exception is null && string.IsNullOrEmpty(message))
            return;

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("severity", SeverityOf(logEntry.LogLevel));
            json.WriteString("message", logEntry.Exception is null ? message : message + "\n" + logEntry.Exception);
            json.WriteString("time", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture));
            if (logEntry.Exception is not null && logEntry.LogLevel >= LogLevel.Error)
                json.WriteString("@type", ReportedErrorEvent);
            if (Activity.Current is { } activity && activity.TraceId != default)
            {
                var project = options.CurrentValue.ProjectId;
                json.WriteString("logging.googleapis.com/trace",
                    string.IsNullOrEmpty(project) ? activity.TraceId.ToHexString() : $"projects/{project}/traces/{activity.TraceId.ToHexString()}");
                json.WriteString("logging.googleapis.com/spanId", activity.SpanId.ToHexString());
                json.WriteBoolean("logging.googleapis.com/trace_sampled", activity.Recorded);
            }
            json.WriteString("category", logEntry.Category);
            json.WriteNumber("eventId", logEntry.EventId.Id);
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> values && values.Count > 0)
            {
                json.WriteStartObject("state");
                foreach (var (key, value) in values)
                {
                    if (key != "{OriginalFormat}")
                        json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        textWriter.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        textWriter.Write('\n');
    }

    /// <summary>Cloud Logging's <c>LogSeverity</c> names.</summary>
    public static string SeverityOf(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "CRITICAL",
        _ => "DEFAULT",
    };
}
