using System.Diagnostics.Metrics;
using HaloBestie.Application.Common;
using HaloBestie.Application.Pairing;
using HaloBestie.Application.Presence;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Payments;
using HaloBestie.Domain.Sessions;
using Marten;
using Microsoft.Extensions.Hosting;

namespace HaloBestie.Infrastructure.Telemetry;

/// <summary>
/// The deployment-wide gauges: <c>halobestie.mitras.online</c> (the Valkey online set: one
/// <c>ZCARD</c>), <c>halobestie.mitras.available</c> (online, active and below capacity: the same
/// PostgreSQL query that pairing uses), <c>halobestie.timers.overdue</c> (searching requests and
/// active sessions more than <see cref="OverdueAfter"/> past their deadline: the durable timers are
/// not keeping up, or not running) and <c>halobestie.payments.pending_over_hour</c> (invoices still
/// pending an hour after they were made: Xendit's callbacks are not arriving). They are read only when a collector asks, and at most once every
/// <see cref="RefreshAfter"/> however often it asks; a figure that could not be read for
/// <see cref="DropAfter"/> is left out rather than reported stale. They are deployment-wide
/// figures, so every instance reports the same value: aggregate them with max, not sum.
/// Nothing is read before the host has started or once it is stopping: in Development and Test
/// the tables are created at start-up, and a query before that would race to create them.
/// (A meter provider collects every meter of its name in the process, other hosts' included.)
/// </summary>
public sealed class DeploymentGauges
{
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan OverdueAfter = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan PaymentPendingTooLong = TimeSpan.FromHours(1);
    public static readonly TimeSpan DropAfter = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan WaitForRefresh = TimeSpan.FromSeconds(1);

    private readonly IPresenceStore _presence;
    private readonly IDocumentStore _store;
    private readonly TimeProvider _clock;
    private readonly object _gate = new();
    private Snapshot? _snapshot;
    private Task? _refreshing;
    private volatile bool _serving;

    public DeploymentGauges(IMeterFactory meters, IPresenceStore presence, IDocumentStore store, TimeProvider clock, IHostApplicationLifetime lifetime)
    {
        _presence = presence;
        _store = store;
        _clock = clock;
        lifetime.ApplicationStarted.Register(() => _serving = true);
        lifetime.ApplicationStopping.Register(() => _serving = false);
        var meter = meters.Create(ProductMetrics.MeterName);
        meter.CreateObservableGauge("halobestie.mitras.online", () => Read(s => s.Online), "{mitra}",
            "Mitras online now (heartbeating), deployment-wide.");
        meter.CreateObservableGauge("halobestie.mitras.available", () => Read(s => s.Available), "{mitra}",
            "Mitras online, active and below capacity now (those a new request is offered to), deployment-wide.");
        meter.CreateObservableGauge("halobestie.timers.overdue", () => ReadAll(s =>
            [
                new Measurement<long>(s.Backlog.RequestsOverdue, new KeyValuePair<string, object?>("timer", "pairing-expiry")),
                new Measurement<long>(s.Backlog.SessionsOverdue, new KeyValuePair<string, object?>("timer", "session-end")),
            ]), "{timer}", "Searching requests and active sessions more than 10 s past their deadline, deployment-wide.");
        meter.CreateObservableGauge("halobestie.payments.pending_over_hour", () => Read(s => s.Backlog.PaymentsPendingOverHour), "{payment}",
            "Payments still pending an hour after their invoice was made, deployment-wide.");
    }

    /// <summary>Deadlines missed and payments waiting, as of <paramref name="now"/>.</summary>
    public sealed record Backlog(long RequestsOverdue, long SessionsOverdue, long PaymentsPendingOverHour);

    private sealed record Snapshot(long Online, long Available, Backlog Backlog, long TakenAt);

    /// <summary>The backlog figures as of <paramref name="now"/> (three counts over indexed columns).</summary>
    public async Task<Backlog> BacklogAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var query = _store.QuerySession();
        var deadline = now - OverdueAfter;
        var paidBy = now - PaymentPendingTooLong;
        var requests = await query.Query<PairingRequest>().CountAsync(r => r.Status == PairingStatus.Searching && r.ExpiresAt < deadline, ct);
        var sessions = await query.Query<Session>().CountAsync(s => s.Status == SessionStatus.Active && s.EndsAt < deadline, ct);
        var payments = await query.Query<Payment>().CountAsync(p => p.Status == PaymentStatus.Pending && p.CreatedAt < paidBy, ct);
        return new Backlog(requests, sessions, payments);
    }

    private IEnumerable<Measurement<long>> Read(Func<Snapshot, long> pick) => ReadAll(s => [new Measurement<long>(pick(s))]);

    private IEnumerable<Measurement<long>> ReadAll(Func<Snapshot, IEnumerable<Measurement<long>>> pick)
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
        return snapshot is not null && Age(snapshot) < DropAfter ? pick(snapshot) : [];
    }

    private async Task RefreshAsync()
    {
        try
        {
            var online = await _presence.CountOnlineAsync();
            await using var query = _store.QuerySession();
            var available = (await query.AvailableMitraIdsAsync(CancellationToken.None)).Count;
            var backlog = await BacklogAsync(_clock.GetUtcNow(), CancellationToken.None);
            Volatile.Write(ref _snapshot, new Snapshot(online, available, backlog, Environment.TickCount64));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Valkey or PostgreSQL unreachable: the next collection tries again; the figure ages out.
        }
    }

    private static TimeSpan Age(Snapshot snapshot) => TimeSpan.FromMilliseconds(Environment.TickCount64 - snapshot.TakenAt);
}
