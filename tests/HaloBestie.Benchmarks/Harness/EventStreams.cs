using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace HaloBestie.Benchmarks.Harness;

/// <summary>One stream to open: whose token, which route (<c>/api/mitra/events</c> or <c>/api/client/events</c>), and the party it stands for.</summary>
public sealed record StreamOf(string Token, string Path, string Party);

/// <summary>
/// Many open event streams (<c>GET /api/mitra/events</c>, <c>GET /api/client/events</c>), each read
/// line by line as a mobile app would; every <c>pairing.offered</c> and <c>pairing.closed</c> is
/// recorded with the moment it arrived (Stopwatch timestamp), and each <c>message.created</c> with
/// the moment it first reached a stream of each party.
/// </summary>
public sealed class EventStreams : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];
    private readonly ConcurrentDictionary<Guid, ConcurrentBag<long>> _offered = new();
    private readonly ConcurrentDictionary<Guid, ConcurrentBag<long>> _closed = new();
    private readonly ConcurrentDictionary<(Guid MessageId, string Party), long> _messages = new();
    private int _connected;

    public int Connected => Volatile.Read(ref _connected);

    /// <summary>Opens one mitra stream per token (a token may appear several times: one mitra on several devices).</summary>
    public static Task<EventStreams> OpenAsync(string baseUrl, IEnumerable<string> tokens, TimeSpan timeout) =>
        OpenAsync(baseUrl, tokens.Select(t => new StreamOf(t, "/api/mitra/events", "mitra")), timeout);

    /// <summary>Opens every stream given and waits until all of them have answered.</summary>
    public static async Task<EventStreams> OpenAsync(string baseUrl, IEnumerable<StreamOf> toOpen, TimeSpan timeout)
    {
        var streams = new EventStreams();
        var count = 0;
        foreach (var stream in toOpen)
        {
            streams._readers.Add(Task.Run(() => streams.ReadAsync(baseUrl, stream)));
            count++;
        }
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (streams.Connected < count)
        {
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"Only {streams.Connected} of {count} event streams connected.");
            var failed = streams._readers.FirstOrDefault(r => r.IsFaulted);
            if (failed is not null)
                await failed;
            await Task.Delay(20);
        }
        return streams;
    }

    /// <summary>The arrival timestamps of <c>pairing.offered</c> for one request, one per stream that got it.</summary>
    public IReadOnlyCollection<long> OfferedAt(Guid requestId) =>
        _offered.TryGetValue(requestId, out var bag) ? bag : [];

    /// <summary>When <c>message.created</c> of that message first reached a stream of that party, if it has.</summary>
    public bool MessageArrived(Guid messageId, string party, out long at) => _messages.TryGetValue((messageId, party), out at);

    /// <summary>Why a stream has stopped before we closed it (its events are then missing), or null while all are open.</summary>
    public string? Broken()
    {
        var ended = _readers.FirstOrDefault(r => r.IsCompleted);
        return ended is null ? null : ended.Exception?.GetBaseException().Message ?? "the server ended it";
    }

    public Task<bool> WaitForOffersAsync(Guid requestId, int streams, TimeSpan timeout) => WaitForAsync(_offered, requestId, streams, timeout);

    /// <summary>Until <c>pairing.closed</c> of the request has reached that many streams.</summary>
    public Task<bool> WaitForClosedAsync(Guid requestId, int streams, TimeSpan timeout) => WaitForAsync(_closed, requestId, streams, timeout);

    private static async Task<bool> WaitForAsync(ConcurrentDictionary<Guid, ConcurrentBag<long>> events, Guid requestId, int streams, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while ((events.TryGetValue(requestId, out var bag) ? bag.Count : 0) < streams)
        {
            if (Stopwatch.GetTimestamp() > deadline)
                return false;
            await Task.Delay(1);
        }
        return true;
    }

    private async Task ReadAsync(string baseUrl, StreamOf stream)
    {
        using var http = BenchSystem.Http(baseUrl, stream.Token);
        http.Timeout = Timeout.InfiniteTimeSpan;
        using var request = new HttpRequestMessage(HttpMethod.Get, stream.Path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
        Interlocked.Increment(ref _connected);
        string? eventName = null;
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    eventName = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName is "pairing.offered" or "pairing.closed")
                {
                    var at = Stopwatch.GetTimestamp();
                    using var data = JsonDocument.Parse(line[6..]);
                    var id = data.RootElement.GetProperty("requestId").GetGuid();
                    (eventName == "pairing.offered" ? _offered : _closed).GetOrAdd(id, _ => []).Add(at);
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == "message.created")
                {
                    var at = Stopwatch.GetTimestamp();
                    using var data = JsonDocument.Parse(line[6..]);
                    var id = data.RootElement.GetProperty("message").GetProperty("id").GetGuid();
                    _messages.TryAdd((id, stream.Party), at);
                }
                else if (line.Length == 0)
                {
                    eventName = null;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // closed by us
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_readers);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            // streams cut as we close them
        }
        _stop.Dispose();
    }
}
