using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using HaloBestie.Application.Common;
using HaloBestie.Application.Realtime;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;

namespace HaloBestie.Infrastructure.Realtime;

/// <summary>
/// Serves one recipient's server-sent event stream (API.md "Real-time events"): every event with
/// <c>id:</c>, <c>event:</c> and <c>data:</c>; after a reconnect with <c>Last-Event-ID</c>, every
/// event after that id, in order, before new ones — or, when they cannot all be replayed any more,
/// <c>resumed: false</c> in the first frame and only new events. Keep-alive, headers and
/// the goodbye when the host stops are <see cref="EventStreamWriter"/>'s.
/// </summary>
public sealed class EventStream(IDatabase db, IConnectionMultiplexer valkey, TimeProvider clock, EventStreamWriter writer)
{
    private const int Batch = 100;

    /// <summary>Wake-ups held for a stream whose caller reads slowly; past it, the stream reads Valkey instead.</summary>
    private const int HeldWakes = 64;

    public async Task ServeAsync(HttpContext context, Recipient recipient)
    {
        var key = ValkeyRealtime.StreamKey(recipient);
        // Wake-ups in the order they arrive; null for one that carries no event (a close). When
        // the queue is full the wake-up is dropped and `overflowed` makes the reader read Valkey.
        // (FullMode Wait: only then does TryWrite answer false when full; the Drop modes answer true.)
        var wakes = Channel.CreateBounded<ValkeyRealtime.Wake?>(new BoundedChannelOptions(HeldWakes) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        var closeRequested = false;
        var overflowed = false;
        var subscriber = valkey.GetSubscriber();
        var channel = ValkeyRealtime.Channel(recipient);
        Action<RedisChannel, RedisValue> onMessage = (_, message) =>
        {
            ValkeyRealtime.Wake? wake = null;
            if (message == ValkeyRealtime.CloseMessage)
                closeRequested = true;
            else if (ValkeyRealtime.Wake.TryParse(message, out var parsed))
                wake = parsed;
            if (!wakes.Writer.TryWrite(wake))
                Volatile.Write(ref overflowed, true);
        };

        // Subscribe before reading the stream, and read where to start before the writer sends the
        // ready frame: nothing published from then on can be missed.
        await subscriber.SubscribeAsync(channel, onMessage);
        try
        {
            var (last, resumed) = await StartAfterAsync(key, context.Request.Headers["Last-Event-ID"].ToString());
            await writer.WriteAsync(context, EntriesAfter(last), resumed);
        }
        finally
        {
            await subscriber.UnsubscribeAsync(channel, onMessage);
        }

        // The entries after `last`, in order, read 100 at a time; then it waits for wake-ups. A
        // wake-up whose entry directly follows `last` is sent as it came (nothing can be missing
        // before it); one already sent is skipped; anything else (a wake-up lost or dropped, one
        // without an event) reads Valkey after `last` again. Ends after a close message, once the
        // entries published before it have been sent. Entries sent after a wake-up are live: their
        // delivery lag is measured (a replay's is not).
        async IAsyncEnumerable<SseEvent> EntriesAfter(string last, [EnumeratorCancellation] CancellationToken ct = default)
        {
            var live = false;
            while (true)
            {
                var entries = await db.StreamRangeAsync(key, "(" + last, "+", Batch);
                foreach (var entry in entries)
                {
                    last = entry.Id.ToString();
                    if (live)
                        MeasureDelivery(last);
                    yield return new SseEvent(last, entry["type"].ToString(), entry["data"].ToString());
                }
                if (entries.Length == Batch)
                    continue;
                if (closeRequested)
                    yield break;
                while (true)
                {
                    var wake = await wakes.Reader.ReadAsync(ct);
                    live = true;
                    if (closeRequested || Volatile.Read(ref overflowed))
                    {
                        Volatile.Write(ref overflowed, false);
                        break;
                    }
                    if (wake is not { } next)
                        break;
                    if (next.Before == last)
                    {
                        last = next.Id;
                        MeasureDelivery(last);
                        yield return new SseEvent(last, next.Type, next.Data);
                    }
                    else if (IsAfter(next.Id, last))
                    {
                        break;
                    }
                    // else: sent already, read with the entries before it
                }
            }
        }
    }

    private static void MeasureDelivery(string id)
    {
        if (TryParseId(id, out var publishedMs, out _))
            ProductMetrics.EventDelivered((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - publishedMs) / 1000.0); // Valkey's clock: real time
    }

    /// <summary>Whether stream id <paramref name="id"/> comes after <paramref name="last"/> (an id that cannot be read counts as after: the reader reads Valkey).</summary>
    private static bool IsAfter(string id, string last) =>
        !TryParseId(id, out var ms, out var seq) || !TryParseId(last, out var lastMs, out var lastSeq)
        || ms > lastMs || (ms == lastMs && seq > lastSeq);

    /// <summary>
    /// Where to read from, and whether that resumes the app's stream without a gap: the app's
    /// Last-Event-ID when it is within the replay window and still held (the events after it are
    /// then all there: Valkey trims a stream from its oldest end); otherwise the newest event now,
    /// and the app reloads its state (the <c>ready</c> frame says <c>resumed: false</c>). A gap
    /// can come from an id older than 5 minutes, more than 2,000 events since, or a Valkey restart.
    /// </summary>
    private async Task<(string After, bool Resumed)> StartAfterAsync(RedisKey key, string lastEventId)
    {
        var oldest = (clock.GetUtcNow() - ValkeyRealtime.Replay).ToUnixTimeMilliseconds();
        if (TryParseId(lastEventId, out var ms, out var seq) && ms >= oldest
            && (await db.StreamRangeAsync(key, lastEventId, lastEventId, 1)).Length == 1)
            return ($"{ms}-{seq}", true);

        var newest = await db.StreamRangeAsync(key, "-", "+", 1, Order.Descending);
        return (newest.Length == 1 ? newest[0].Id.ToString() : "0-0", false);
    }

    private static bool TryParseId(string id, out long ms, out long seq)
    {
        ms = seq = 0;
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return dash > 0
            && long.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out ms)
            && long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out seq);
    }
}
