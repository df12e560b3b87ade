using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.ExceptionServices;
using HaloBestie.Application.Common;
using JasperFx;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HaloBestie.IntegrationTests.Infrastructure;

/// <summary>
/// What the hosts did for one test, and for nobody else: the product meter's measurements, the
/// write conflicts PostgreSQL raised (a stream version or a unique key refused) and how many of
/// the test's requests the hosts were handling at once, counted only while handling calls this
/// test made after <see cref="Start"/> (and work the test ran itself on the hosts' services).
/// <para>
/// Every test class shares the process, and the meter is process-wide, so "the counter moved" would
/// otherwise count other classes running alongside. Attribution follows the async flow instead:
/// <see cref="Start"/> puts this object in an <see cref="AsyncLocal{T}"/>, and the fixture's test
/// servers preserve the caller's ExecutionContext (<see cref="HostsFixture"/>), so a host handling
/// the test's request sees it. Background workers of a host started inside the scope carry it too;
/// they belong to the same test.
/// </para>
/// </summary>
public sealed partial class Observed : IDisposable
{
    private static readonly AsyncLocal<Observed?> Scope = new();

    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly ConcurrentDictionary<Exception, byte> _conflicts = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string, (int Now, int Max)> _inServer = new();
    private readonly HashSet<object> _gaugeScopes;

    public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    private Observed(IEnumerable<IServiceProvider> gaugeHosts)
    {
        _gaugeScopes = gaugeHosts.Select(h => (object)h.GetRequiredService<IMeterFactory>()).ToHashSet(ReferenceEqualityComparer.Instance);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Counters and histograms are static (Meter.Scope null) and attributed by flow. Gauges
            // belong to one host each and are read on the test's own flow when it asks: only
            // those of the hosts named here.
            if (instrument.Meter.Name == ProductMetrics.MeterName
                && (instrument.Meter.Scope is null || _gaugeScopes.Contains(instrument.Meter.Scope)))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
        AppDomain.CurrentDomain.FirstChanceException += OnFirstChanceException;
    }

    /// <summary>
    /// Starts observing the calls the current test makes from here on. Synchronous on purpose: an
    /// AsyncLocal set in a synchronous method stays set for the (async) caller.
    /// </summary>
    /// <param name="gaugeHosts">Hosts whose gauges (mitras online, available) to read when <see cref="RecordGauges"/> asks.</param>
    public static Observed Start(params IServiceProvider[] gaugeHosts)
    {
        var observed = new Observed(gaugeHosts);
        Scope.Value = observed;
        return observed;
    }

    /// <summary>Every measurement attributed to this test so far.</summary>
    public IReadOnlyList<Measurement> Measurements => [.. _measurements];

    /// <summary>Sum of an instrument's measurements (optionally those whose tags match).</summary>
    public double Sum(string instrument, Func<IReadOnlyDictionary<string, object?>, bool>? where = null) =>
        _measurements.Where(m => m.Instrument == instrument && (where is null || where(m.Tags))).Sum(m => m.Value);

    /// <summary>How many measurements an instrument took (a histogram's count).</summary>
    public int Count(string instrument) => _measurements.Count(m => m.Instrument == instrument);

    /// <summary>
    /// Accepts that met another accept of the same request (they waited at the gate) or lost a
    /// write race and decided again: the product's two counters of it, this test's part
    /// (docs/operations.md: <c>accept_conflicts</c> plus <c>writes.conflicts{write="AcceptPairingRequest"}</c>).
    /// </summary>
    public long AcceptConflicts => (long)(Sum("halobestie.pairing.accept_conflicts")
        + Sum("halobestie.writes.conflicts", tags => tags.TryGetValue("write", out var write) && write as string == "AcceptPairingRequest"));

    /// <summary>Distinct writes PostgreSQL refused because a concurrent write got there first (stream version, unique key, serialization).</summary>
    public int WriteConflicts => _conflicts.Count;

    /// <summary>
    /// The most requests "METHOD /path" of this test the hosts were handling at the same moment; ids
    /// in the path are counted as <c>{id}</c> ("POST /api/internal/sessions/{id}/reroute" counts the
    /// reroutes of every session together).
    /// </summary>
    public int MostAtOnceInServer(string methodAndPath) => _inServer.TryGetValue(methodAndPath, out var n) ? n.Max : 0;

    /// <summary>Reads the gauges of the hosts given to <see cref="Start"/> now, on this flow.</summary>
    public void RecordGauges() => _listener.RecordObservableInstruments();

    public void Dispose()
    {
        AppDomain.CurrentDomain.FirstChanceException -= OnFirstChanceException;
        _listener.Dispose();
        if (ReferenceEquals(Scope.Value, this))
            Scope.Value = null;
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct
    {
        if (!ReferenceEquals(Scope.Value, this))
            return;
        var copy = new Dictionary<string, object?>();
        foreach (var (key, tag) in tags)
            copy[key] = tag;
        _measurements.Enqueue(new Measurement(instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
    }

    // Raised on the throwing thread, in its flow, before any catch: the conflicts the code under
    // test handles silently (a retry, a 409) are seen here. One entry per refusal, however often
    // it is wrapped or rethrown on the way up.
    private void OnFirstChanceException(object? sender, FirstChanceExceptionEventArgs e)
    {
        if (!ReferenceEquals(Scope.Value, this))
            return;
        for (var x = e.Exception; x is not null; x = x.InnerException)
        {
            if (x is ConcurrencyException || x is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure })
            {
                _conflicts.TryAdd(x, 0);
                return;
            }
        }
    }

    private void Entered(string methodAndPath) =>
        _inServer.AddOrUpdate(methodAndPath, (1, 1), (_, n) => (n.Now + 1, Math.Max(n.Max, n.Now + 1)));

    private void Left(string methodAndPath) =>
        _inServer.AddOrUpdate(methodAndPath, (0, 0), (_, n) => (n.Now - 1, n.Max));

    /// <summary>
    /// Added to every host of the fixtures: counts the requests of an observing test while the host
    /// handles them, outermost, so that "the server took them one at a time" shows as 1.
    /// </summary>
    internal sealed partial class RequestsInServer : IStartupFilter
    {
        [System.Text.RegularExpressions.GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
        private static partial System.Text.RegularExpressions.Regex Ids();

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, handle) =>
            {
                if (Scope.Value is not { } observed)
                {
                    await handle(context);
                    return;
                }
                var key = $"{context.Request.Method} {Ids().Replace(context.Request.Path.Value ?? "", "{id}")}";
                observed.Entered(key);
                try
                {
                    await handle(context);
                }
                finally
                {
                    observed.Left(key);
                }
            });
            next(app);
        };
    }
}
