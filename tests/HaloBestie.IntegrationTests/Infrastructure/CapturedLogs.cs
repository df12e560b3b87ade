using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace HaloBestie.IntegrationTests.Infrastructure;

/// <summary>
/// A logger provider that keeps every entry it is given, as text: category, level, message, the
/// structured values, the scopes (trace ids included) and any exception. Add it to a host with
/// <c>ConfigureLogging(l => l.AddProvider(logs).AddFilter&lt;CapturedLogs&gt;(null, LogLevel.Trace))</c>
/// to see everything that host would write at the most verbose level.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<string> Entries => [.. _entries];

    public string All => string.Join("\n", _entries);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logs._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var entry = new StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
            Append(entry, "state", state);
            logs._scopes.ForEachScope((scope, text) => Append(text, "scope", scope), entry);
            if (exception is not null)
                entry.Append(" exception=").Append(exception);
            logs._entries.Enqueue(entry.ToString());
        }

        private static void Append(StringBuilder entry, string kind, object? values)
        {
            if (values is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                    entry.Append(' ').Append(kind).Append(':').Append(key).Append('=').Append(value);
            }
            else if (values is not null)
            {
                entry.Append(' ').Append(kind).Append('=').Append(values);
            }
        }
    }
}
