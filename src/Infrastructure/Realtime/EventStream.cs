using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using HaloBestie.Application.Realtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace HaloBestie.Infrastructure.Realtime;

/// <summary>
/// Serves one recipient's server-sent event stream (API.md "Real-time events"): every event with
/// <c>id:</c>, <c>event:</c> and <c>data:</c>; a comment after every <see cref="EventStreamOptions.KeepAlive"/>
/// (default 15 s) without an event; after a reconnect with
/// <c>Last-Event-ID</c>, every event of the last 5 minutes after that id, in order, before new ones.
/// </summary>
/// <remarks>
/// When the host stops (SIGTERM), every open stream is sent a short <c>retry:</c> and a comment
/// saying so, then closed, so apps reconnect at once — to another instance — and resume with
/// Last-Event-ID without losing an event.
/// </remarks>
public sealed class EventStream(
    IDatabase db, IConnectionMultiplexer valkey, TimeProvider clock, IHostApplicationLifetime lifetime, OpenStreams open, EventStreamOptions options)
{
    private const int Batch = 100;

    public async Task ServeAsync(HttpContext context, Recipient recipient)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var ct = stopping.Token;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no";

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

        // Subscribe before reading the stream: nothing published from here on can be missed.
        await subscriber.SubscribeAsync(channel, onMessage);
        open.Opened();
        try
        {
            var key = ValkeyRealtime.StreamKey(recipient);
            var last = await StartAfterAsync(key, context.Request.Headers["Last-Event-ID"].ToString());
            await WriteAsync(response, "retry: 3000\n: connected\n\n", ct);
            // A stream lives for minutes or hours: its reads are not traced one by one under the
            // request's span (their client spans start no trace of their own, ADR 0018).
            Activity.Current = null;

            while (!ct.IsCancellationRequested)
            {
                var entries = await db.StreamRangeAsync(key, "(" + last, "+", Batch);
                foreach (var entry in entries)
                {
                    await WriteAsync(response, Format(entry), ct);
                    last = entry.Id.ToString();
                }
                if (entries.Length == Batch)
                    continue;
                if (closeRequested)
                    return;

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(options.KeepAlive);
                try
                {
                    await wake.Reader.ReadAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await WriteAsync(response, ": keep-alive\n\n", ct);
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            // This instance is shutting down: tell the app to come back (elsewhere) right away.
            await WriteAsync(context.Response, "retry: 500\n: server shutting down, reconnect\n\n", CancellationToken.None);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The app went away.
        }
        finally
        {
            open.Closed();
            await subscriber.UnsubscribeAsync(channel, onMessage);
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

    private static string Format(StreamEntry entry)
    {
        var type = entry["type"].ToString();
        var data = entry["data"].ToString();
        return $"id: {entry.Id}\nevent: {type}\ndata: {data}\n\n";
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await response.Body.FlushAsync(ct);
    }
}
