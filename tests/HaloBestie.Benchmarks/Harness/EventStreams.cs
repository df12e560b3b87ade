using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace HaloBestie.Benchmarks.Harness;

/// <summary>
/// Many open <c>GET /api/mitra/events</c> streams, each read line by line as a mobile app would;
/// every <c>pairing.offered</c> and <c>pairing.closed</c> is recorded with the moment it arrived
/// (Stopwatch timestamp).
/// </summary>
public sealed class EventStreams : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];
    private readonly ConcurrentDictionary<Guid, ConcurrentBag<long>> _offered = new();
    private readonly ConcurrentDictionary<Guid, ConcurrentBag<long>> _closed = new();
    private int _connected;

    public int Connected => Volatile.Read(ref _connected);

    /// <summary>Opens one stream per token (a token may appear several times: one mitra on several devices).</summary>
    public static async Task<EventStreams> OpenAsync(string baseUrl, IEnumerable<string> tokens, TimeSpan timeout)
    {
        var streams = new EventStreams();
        var count = 0;
        foreach (var token in tokens)
        {
            streams._readers.Add(Task.Run(() => streams.ReadAsync(baseUrl, token)));
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

    private async Task ReadAsync(string baseUrl, string token)
    {
        using var http = BenchSystem.Http(baseUrl, token);
        http.Timeout = Timeout.InfiniteTimeSpan;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/mitra/events");
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
