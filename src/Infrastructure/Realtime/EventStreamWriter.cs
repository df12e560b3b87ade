using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace HaloBestie.Infrastructure.Realtime;

/// <summary>One server-sent event: <c>id:</c> (left out when null), <c>event:</c>, and <c>data:</c>, one line of JSON.</summary>
public sealed record SseEvent(string? Id, string Type, string Data);

/// <summary>
/// Writes every server-sent event stream of both hosts: the apps' streams (<see cref="EventStream"/>)
/// and the control center's dashboard stream. A stream's source only says what to send and when, as
/// an <see cref="IAsyncEnumerable{T}"/> that yields each event when it is due and ends when the
/// stream should; this writer owns everything else on the wire, so the streams cannot drift apart:
/// <list type="bullet">
/// <item><c>text/event-stream</c>, <c>Cache-Control: no-cache, no-store</c>, and
/// <c>X-Accel-Buffering: no</c> so that nginx passes each event on at once;</item>
/// <item><c>retry: 3000</c> and the first frame, <c>event: ready</c> with <c>{serverTime, resumed}</c>
/// (no <c>id:</c>), as soon as it is called (so call it once the source can miss nothing);</item>
/// <item><c>: keep-alive</c> after <see cref="EventStreamOptions.KeepAlive"/> without anything
/// written, timed by the injected <see cref="TimeProvider"/>;</item>
/// <item>when the host stops, <c>retry: 500</c> and <c>: server shutting down, reconnect</c>, so the
/// app or screen comes back at once, to another instance; <see cref="OpenStreams"/> holds the
/// shutdown until that goodbye is written.</item>
/// </list>
/// The wire format is docs/realtime.md "Framing" and docs/control-center.md "Live updates".
/// </summary>
public sealed class EventStreamWriter(TimeProvider clock, IHostApplicationLifetime lifetime, OpenStreams open, EventStreamOptions options)
{
    /// <param name="resumed">
    /// For the first frame, <c>event: ready</c> with <c>{serverTime, resumed}</c>: whether the source
    /// continues the stream the caller had (its Last-Event-ID) without a gap; false makes the app
    /// reload its state through the queries.
    /// </param>
    public async Task WriteAsync(HttpContext context, IAsyncEnumerable<SseEvent> source, bool resumed = false)
    {
        // Ends when the caller goes away or this host stops; cancelled below as well, to stop the
        // source when the stream ends any other way (a failed write).
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var ct = ended.Token;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no";

        var events = source.GetAsyncEnumerator(ct);
        var next = Task.FromResult(false);
        open.Opened();
        try
        {
            await WriteAsync(response, "retry: 3000\n" + Format(new SseEvent(null, ReadyEvent,
                JsonSerializer.Serialize(new Ready(clock.GetUtcNow(), resumed), JsonSerializerOptions.Web))), ct);
            // A stream lives for minutes or hours: what its source does is not traced under the
            // request's span (client spans outside a request start no trace of their own, ADR 0018).
            Activity.Current = null;

            while (true)
            {
                next = events.MoveNextAsync().AsTask();
                while (!await CompletesWithinAsync(next, options.KeepAlive, ct))
                    await WriteAsync(response, ": keep-alive\n\n", ct);
                if (!await next)
                    return;
                await WriteAsync(response, Format(events.Current), ct);
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            // This instance is shutting down: tell the caller to come back (elsewhere) right away.
            await WriteAsync(response, "retry: 500\n: server shutting down, reconnect\n\n", CancellationToken.None);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller went away.
        }
        finally
        {
            // The source may be waiting (for a wake-up, a timer): an async iterator cannot be
            // disposed while it runs, so stop it and let it finish first.
            await ended.CancelAsync();
            await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await events.DisposeAsync();
            open.Closed();
        }
    }

    /// <summary>The first frame's name: an app that reads it knows the stream is open and whether it resumed.</summary>
    public const string ReadyEvent = "ready";

    private sealed record Ready(DateTimeOffset ServerTime, bool Resumed);

    /// <summary>Whether <paramref name="task"/> completes within <paramref name="interval"/> of the injected clock; it keeps running either way.</summary>
    private async Task<bool> CompletesWithinAsync(Task task, TimeSpan interval, CancellationToken ct)
    {
        await task.WaitAsync(interval, clock, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        ct.ThrowIfCancellationRequested();
        return task.IsCompleted;
    }

    private static string Format(SseEvent e) =>
        e.Id is null ? $"event: {e.Type}\ndata: {e.Data}\n\n" : $"id: {e.Id}\nevent: {e.Type}\ndata: {e.Data}\n\n";

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await response.Body.FlushAsync(ct);
    }
}
