using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace HaloBestie.IntegrationTests.Infrastructure;

public sealed record ServerSentEvent(string Id, string Type, string Data);

/// <summary>A test-side reader of a server-sent event stream (the same framing a mobile SSE library reads).</summary>
public sealed class EventStreamReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly CancellationTokenSource _cts = new();

    private EventStreamReader(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    /// <summary>The server said it is shutting down (a comment line) before ending the stream.</summary>
    public bool ToldToReconnect { get; private set; }

    /// <summary>A header of the answer (a response or a content header), its values joined with ", "; null when absent.</summary>
    public string? Header(string name) =>
        _response.Headers.TryGetValues(name, out var values) || _response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    public static async Task<EventStreamReader> OpenAsync(HttpClient http, string path, string token, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (lastEventId is not null)
            request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}", null, response.StatusCode);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        var stream = new EventStreamReader(response, reader);
        // The server sends "ready" as soon as the stream is open: from then on nothing is missed.
        var ready = await stream.NextAsync() ?? throw new InvalidOperationException("The stream ended before it started.");
        if (ready.Type != "ready" || ready.Id != "")
            throw new InvalidOperationException($"The first frame was '{ready.Type}' (id '{ready.Id}'), not 'ready' without an id.");
        using var data = JsonDocument.Parse(ready.Data);
        stream.ServerTime = data.RootElement.GetProperty("serverTime").GetDateTimeOffset();
        stream.Resumed = data.RootElement.GetProperty("resumed").GetBoolean();
        return stream;
    }

    /// <summary>The first frame's <c>resumed</c>: the stream continues after the Last-Event-ID sent, without a gap.</summary>
    public bool Resumed { get; private set; }

    /// <summary>The first frame's <c>serverTime</c>.</summary>
    public DateTimeOffset ServerTime { get; private set; }

    /// <summary>The next event, skipping comments and retry hints; null when the server ends the stream.</summary>
    public async Task<ServerSentEvent?> NextAsync(TimeSpan? timeout = null)
    {
        string? id = null, type = null;
        var data = new StringBuilder();
        while (true)
        {
            var line = await ReadLineAsync(timeout ?? TimeSpan.FromSeconds(10));
            if (line is null)
                return null;
            if (line.Length == 0)
            {
                if (type is not null)
                    return new ServerSentEvent(id ?? "", type, data.ToString());
                continue;
            }
            if (line.StartsWith(':'))
            {
                ToldToReconnect |= line.Contains("reconnect", StringComparison.Ordinal);
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": type = value; break;
                case "data": data.Append(value); break;
            }
        }
    }

    /// <summary>
    /// The next comment line (<c>: …</c>, the colon and one space left out), skipping blank lines
    /// and retry hints; an event line (<c>id:</c>, <c>event:</c>, <c>data:</c>) before it fails,
    /// since the caller expects a quiet stream. Null when the server ends the stream.
    /// </summary>
    public async Task<string?> NextCommentAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var line = await ReadLineAsync(timeout ?? TimeSpan.FromSeconds(10));
            if (line is null)
                return null;
            if (line.StartsWith(':'))
                return line[1..].TrimStart(' ');
            if (line.Length > 0 && !line.StartsWith("retry:", StringComparison.Ordinal))
                throw new InvalidOperationException($"An event arrived where only comments were expected: '{line}'.");
        }
    }

    /// <summary>The next event of the given type, skipping others (presence changes, say).</summary>
    public async Task<ServerSentEvent> NextOfTypeAsync(string type, TimeSpan? timeout = null)
    {
        while (true)
        {
            var next = await NextAsync(timeout) ?? throw new InvalidOperationException($"Stream ended before a {type} event.");
            if (next.Type == type)
                return next;
        }
    }

    /// <summary>Events until <paramref name="count"/> have arrived.</summary>
    public async Task<List<ServerSentEvent>> TakeAsync(int count, TimeSpan? timeout = null)
    {
        var events = new List<ServerSentEvent>();
        while (events.Count < count)
            events.Add(await NextAsync(timeout) ?? throw new InvalidOperationException($"Stream ended after {events.Count} of {count} events."));
        return events;
    }

    private async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
        cts.CancelAfter(timeout);
        try
        {
            return await _reader.ReadLineAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!_cts.IsCancellationRequested)
        {
            throw new TimeoutException($"No line within {timeout}.");
        }
        catch (IOException)
        {
            return null; // the connection closed: to an SSE client, the end of the stream
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _reader.Dispose();
        _response.Dispose();
        _cts.Dispose();
    }
}
