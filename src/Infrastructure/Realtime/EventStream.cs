using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using HaloBestie.Application.Realtime;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;

namespace HaloBestie.Infrastructure.Realtime;

/// <summary>
/// Serves one recipient's server-sent event stream (API.md "Real-time events"): every event with
/// <c>id:</c>, <c>event:</c> and <c>data:</c>; after a reconnect with <c>Last-Event-ID</c>, every
/// event of the last 5 minutes after that id, in order, before new ones. Keep-alive, headers and
/// the goodbye when the host stops are <see cref="EventStreamWriter"/>'s.
/// </summary>
public sealed class EventStream(IDatabase db, IConnectionMultiplexer valkey, TimeProvider clock, EventStreamWriter writer)
{
    private const int Batch = 100;

    public async Task ServeAsync(HttpContext context, Recipient recipient)
    {
        var key = ValkeyRealtime.StreamKey(recipient);
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var closeRequested = false;
        var subscriber = valkey.GetSubscriber();
        var channel = ValkeyRealtime.Channel(recipient);
        Action<RedisChannel, RedisValue> onMessage = (_, message) =>
        {
            if (message == ValkeyRealtime.CloseMessage)
                closeRequested = true;
            wake.Writer.TryWrite(true);
        };

        // Subscribe before reading the stream, and read where to start before the writer says
        // "connected": nothing published from then on can be missed.
        await subscriber.SubscribeAsync(channel, onMessage);
        try
        {
            var last = await StartAfterAsync(key, context.Request.Headers["Last-Event-ID"].ToString());
            await writer.WriteAsync(context, EntriesAfter(last));
        }
        finally
        {
            await subscriber.UnsubscribeAsync(channel, onMessage);
        }

        // The entries after `last`, in order, read 100 at a time; then it waits for a wake-up.
        // Ends after a close message, once the entries published before it have been sent.
        async IAsyncEnumerable<SseEvent> EntriesAfter(string last, [EnumeratorCancellation] CancellationToken ct = default)
        {
            while (true)
            {
                var entries = await db.StreamRangeAsync(key, "(" + last, "+", Batch);
                foreach (var entry in entries)
                {
                    last = entry.Id.ToString();
                    yield return new SseEvent(last, entry["type"].ToString(), entry["data"].ToString());
                }
                if (entries.Length == Batch)
                    continue;
                if (closeRequested)
                    yield break;
                await wake.Reader.ReadAsync(ct);
            }
        }
    }

    /// <summary>The id to read after: the client's Last-Event-ID within the replay window, else the newest event now.</summary>
    private async Task<string> StartAfterAsync(RedisKey key, string lastEventId)
    {
        var oldest = (clock.GetUtcNow() - ValkeyRealtime.Replay).ToUnixTimeMilliseconds();
        if (TryParseId(lastEventId, out var ms, out var seq))
            return ms < oldest ? $"{oldest}-0" : $"{ms}-{seq}";

        var newest = await db.StreamRangeAsync(key, "-", "+", 1, Order.Descending);
        return newest.Length == 1 ? newest[0].Id.ToString() : "0-0";
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
