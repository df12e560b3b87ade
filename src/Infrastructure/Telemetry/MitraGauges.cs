using System.Diagnostics.Metrics;
using HaloBestie.Application.Common;
using HaloBestie.Application.Pairing;
using HaloBestie.Application.Presence;
using Marten;
using Microsoft.Extensions.Hosting;

namespace HaloBestie.Infrastructure.Telemetry;

/// <summary>
/// The gauges <c>halobestie.mitras.online</c> (the Valkey online set: one <c>ZCARD</c>) and
/// <c>halobestie.mitras.available</c> (online, active and below capacity: the same PostgreSQL
/// query that pairing uses). They are read only when a collector asks, and at most once every
/// <see cref="RefreshAfter"/> however often it asks; a figure that could not be read for
/// <see cref="DropAfter"/> is left out rather than reported stale. They are deployment-wide
/// figures, so every instance reports the same value: aggregate them with max, not sum.
/// Nothing is read before the host has started or once it is stopping: in Development and Test
/// the tables are created at start-up, and a query before that would race to create them.
/// (A meter provider collects every meter of its name in the process, other hosts' included.)
/// </summary>
public sealed class MitraGauges
{
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DropAfter = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan WaitForRefresh = TimeSpan.FromSeconds(1);

    private readonly IPresenceStore _presence;
    private readonly IDocumentStore _store;
    private readonly object _gate = new();
    private Snapshot? _snapshot;
    private Task? _refreshing;
    private volatile bool _serving;

    public MitraGauges(IMeterFactory meters, IPresenceStore presence, IDocumentStore store, IHostApplicationLifetime lifetime)
    {
        _presence = presence;
        _store = store;
        lifetime.ApplicationStarted.Register(() => _serving = true);
        lifetime.ApplicationStopping.Register(() => _serving = false);
        var meter = meters.Create(ProductMetrics.MeterName);
        meter.CreateObservableGauge("halobestie.mitras.online", () => Read(s => s.Online), "{mitra}",
            "Mitras online now (heartbeating), deployment-wide.");
        meter.CreateObservableGauge("halobestie.mitras.available", () => Read(s => s.Available), "{mitra}",
            "Mitras online, active and below capacity now (those a new request is offered to), deployment-wide.");
    }

    private sealed record Snapshot(long Online, long Available, long TakenAt);

    private IEnumerable<Measurement<long>> Read(Func<Snapshot, long> pick)
    {
        if (!_serving)
            return [];
        Task? refresh = null;
        lock (_gate)
        {
            if (_snapshot is null || Age(_snapshot) >= RefreshAfter)
            {
                if (_refreshing is not { IsCompleted: false })
                    _refreshing = RefreshAsync();
                refresh = _refreshing;
            }
        }
        // Collectors call from their own thread; a short wait gives them this collection's figure.
        refresh?.Wait(WaitForRefresh);
        var snapshot = Volatile.Read(ref _snapshot);
        return snapshot is not null && Age(snapshot) < DropAfter ? [new Measurement<long>(pick(snapshot))] : [];
    }

    private async Task RefreshAsync()
    {
        try
        {
            var online = await _presence.CountOnlineAsync();
            await using var query = _store.QuerySession();
            var available = (await query.AvailableMitraIdsAsync(CancellationToken.None)).Count;
            Volatile.Write(ref _snapshot, new Snapshot(online, available, Environment.TickCount64));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Valkey or PostgreSQL unreachable: the next collection tries again; the figure ages out.
        }
    }

    private static TimeSpan Age(Snapshot snapshot) => TimeSpan.FromMilliseconds(Environment.TickCount64 - snapshot.TakenAt);
}
