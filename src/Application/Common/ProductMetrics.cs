using System.Diagnostics;
using System.Diagnostics.Metrics;
using HaloBestie.Domain.Pairing;

namespace HaloBestie.Application.Common;

/// <summary>
/// The product's own metrics (meter <c>HaloBestie</c>), recorded where each thing happens, after
/// it committed. Names and tags: docs/operations.md#telemetry; alerts on them: docs/deployment.md.
/// The gauges of mitras online and available live with their readers in Infrastructure/Telemetry.
/// Recording costs nothing measurable while no listener is attached.
/// </summary>
public static class ProductMetrics
{
    public const string MeterName = "HaloBestie";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> PairingRequests = Meter.CreateCounter<long>(
        "halobestie.pairing.requests", "{request}",
        "Pairing requests that ended, by outcome (accepted, cancelled, expired) and reason.");

    private static readonly Histogram<double> WaitToMatch = Meter.CreateHistogram(
        "halobestie.pairing.wait_to_match", "s",
        "Seconds from a pairing request to the accept that matched it.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300] });

    private static readonly Counter<long> AcceptConflicts = Meter.CreateCounter<long>(
        "halobestie.pairing.accept_conflicts", "{conflict}",
        "Accepts that lost a race: waited at the gate while another accept of the same request decided, or lost a write race at commit (an expiry, a cancel, a change to the mitra or client) and decided again.");

    private static readonly Counter<long> StreamWriteConflicts = Meter.CreateCounter<long>(
        "halobestie.writes.conflicts", "{conflict}",
        "Writes that met another writer's commit on one of their streams and decided again (or, after the last attempt, answered 409 conflict), by write (the use case's name).");

    private static readonly Counter<long> Heartbeats = Meter.CreateCounter<long>(
        "halobestie.presence.heartbeats", "{heartbeat}",
        "Mitra heartbeats, by result: recorded, restored (Valkey had lost the mitra), refused (the mitra is offline).");

    private static readonly UpDownCounter<long> OpenEventStreams = Meter.CreateUpDownCounter<long>(
        "halobestie.realtime.open_streams", "{stream}",
        "App event streams (/api/client/events, /api/mitra/events) open on this instance.");

    private static readonly Histogram<double> TimerLag = Meter.CreateHistogram(
        "halobestie.timers.lag", "s",
        "How late a durable timer fired: from its deadline to the commit of its transition, by timer (pairing-expiry, session-warning, session-end).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60, 300] });

    private static readonly Histogram<double> DeliveryLag = Meter.CreateHistogram(
        "halobestie.realtime.delivery_lag", "s",
        "From an app event's publication (its id in Valkey) to its handing to an open stream on this instance; replays after a reconnect are not counted.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Counter<long> RateLimitRefusals = Meter.CreateCounter<long>(
        "halobestie.rate_limits.refused", "{request}",
        "Requests refused with 429 by a rate limit, by limit (SignIn, StaffLogin, StaffLoginEmail, PairingRequests, Payments, Messages, XenditWebhook).");

    private static readonly Counter<long> RateLimitFallbacks = Meter.CreateCounter<long>(
        "halobestie.rate_limits.fallbacks", "{request}",
        "Requests to a shared rate limit (SignIn, PairingRequests, Payments) decided by this instance's own bucket because Valkey could not answer, by limit.");

    /// <summary>A pairing request ended with <paramref name="ended"/> (<see cref="PairingAccepted"/>, <see cref="PairingCancelled"/> or <see cref="PairingExpired"/>).</summary>
    public static void PairingEnded(PairingRequest request, object ended)
    {
        switch (ended)
        {
            case PairingAccepted accepted:
                PairingRequests.Add(1, new KeyValuePair<string, object?>("outcome", "accepted"));
                WaitToMatch.Record(Math.Max(0, (accepted.At - request.RequestedAt).TotalSeconds));
                break;
            case PairingCancelled cancelled:
                PairingRequests.Add(1, new("outcome", "cancelled"), new("reason", cancelled.Reason));
                break;
            case PairingExpired expired:
                PairingRequests.Add(1, new("outcome", "expired"), new("reason", expired.Reason));
                break;
            default:
                throw new UnreachableException($"{ended.GetType().Name} does not end a pairing request.");
        }
    }

    /// <param name="limit">The rate limit's configuration name, e.g. <c>SignIn</c>.</param>
    private static readonly Counter<long> XenditCallbacks = Meter.CreateCounter<long>(
        "halobestie.payments.callbacks", "{callback}",
        "Xendit invoice callbacks received, by outcome: credited, already-applied, expired, ignored, amount-mismatch, unknown-payment, unauthorized (wrong or missing token), invalid (not a JSON object)");

    /// <param name="outcome">What the callback came to (<c>ApplyXenditCallback</c>).</param>
    public static void XenditCallback(string outcome) => XenditCallbacks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void RateLimited(string limit) => RateLimitRefusals.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public static void RateLimitFallback(string limit) => RateLimitFallbacks.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public static void AcceptConflict() => AcceptConflicts.Add(1);

    /// <param name="write">The use case whose commit met another writer's, e.g. <c>CancelPairingRequest</c>.</param>
    /// <param name="kind"><see cref="WriteConflicts.KindOf"/>: <c>version</c>, <c>deadlock</c> or <c>serialization</c>.</param>
    public static void WriteConflict(string write, string kind) =>
        StreamWriteConflicts.Add(1, new KeyValuePair<string, object?>("write", write), new KeyValuePair<string, object?>("kind", kind));

    public static void Heartbeat(string result) => Heartbeats.Add(1, new KeyValuePair<string, object?>("result", result));

    public static void StreamOpened() => OpenEventStreams.Add(1);

    /// <summary>An event handed to a live stream <paramref name="seconds"/> after it was published.</summary>
    public static void EventDelivered(double seconds) => DeliveryLag.Record(Math.Max(0, seconds));

    public static void StreamClosed() => OpenEventStreams.Add(-1);

    /// <param name="timer"><c>pairing-expiry</c>, <c>session-warning</c> or <c>session-end</c>.</param>
    public static void TimerFired(string timer, DateTimeOffset due, DateTimeOffset firedAt) =>
        TimerLag.Record(Math.Max(0, (firedAt - due).TotalSeconds), new KeyValuePair<string, object?>("timer", timer));
}
