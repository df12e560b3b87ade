using System.Text.Json;
using HaloBestie.Application.Realtime;
using HaloBestie.Infrastructure.Valkey;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HaloBestie.Infrastructure.Realtime;

/// <summary>
/// Each recipient has a Valkey stream (<c>rt:m:&lt;mitraId&gt;</c>, <c>rt:c:&lt;clientId&gt;</c>) that
/// keeps its recent events in order, with ids Valkey assigns, and a pub/sub channel of the same
/// name that only wakes up the instances serving that recipient's open streams. The wake-up
/// carries the event and the id of the entry before it (<see cref="Wake"/>): a reader whose last
/// sent id is that one sends the event as it is; any other reader (it missed a wake-up, or
/// started meanwhile) reads the stream after the last id it sent. So an event is delivered once
/// and in order, whichever instance published it and however many wake-ups arrive or are lost,
/// and a reader that keeps up reads nothing back from Valkey. Publishing happens after
/// the change has committed and is best effort: with Valkey down the change still stands, the
/// event is logged as not delivered, and apps read the state from the query routes.
/// </summary>
public sealed partial class ValkeyRealtime(IConnectionMultiplexer valkey, ValkeyKeys keys, IOptions<JsonOptions> json, ILogger<ValkeyRealtime> logger) : IRealtime
{
    /// <summary>Events kept per recipient: far more than 5 minutes' worth for any mitra or client.</summary>
    public const int MaxKeptEvents = 2000;

    public static readonly TimeSpan Replay = TimeSpan.FromMinutes(5);
    public const string CloseMessage = "close";

    /// <summary>How long a recipient's stream is kept after its last event.</summary>
    public static readonly TimeSpan StreamLifetime = TimeSpan.FromHours(1);

    /// <summary>Recipients per script call.</summary>
    public const int FanOutChunk = 256;

    /// <summary>
    /// KEYS: the recipients' streams. ARGV: <see cref="AppendAndWakeArgs"/>. For each: the newest
    /// id before the append, the append, the expiry, and the wake-up with both ids and the event
    /// (<see cref="Wake"/>). A script runs alone, so nothing can come between the two ids. The
    /// bench's delivery floor calls it too.
    /// </summary>
    public const string AppendAndWake = """
        for i = 1, #KEYS do
          local newest = redis.call('XREVRANGE', KEYS[i], '+', '-', 'COUNT', 1)
          local before = newest[1] and newest[1][1] or '0-0'
          local id = redis.call('XADD', KEYS[i], 'MAXLEN', '~', ARGV[1], '*', 'type', ARGV[2], 'data', ARGV[3])
          redis.call('EXPIRE', KEYS[i], ARGV[4])
          redis.call('PUBLISH', KEYS[i], before .. '\n' .. id .. '\n' .. ARGV[2] .. '\n' .. ARGV[3])
        end
        return #KEYS
        """;

    /// <summary>ARGV of <see cref="AppendAndWake"/> for one event.</summary>
    public static RedisValue[] AppendAndWakeArgs(string type, string data) =>
        [MaxKeptEvents, type, data, (long)StreamLifetime.TotalSeconds];

    /// <summary>
    /// A wake-up as <see cref="AppendAndWake"/> publishes it: <c>before\nid\ntype\ndata</c> (the
    /// data is one line of JSON). False for anything else (<see cref="CloseMessage"/>).
    /// </summary>
    public readonly record struct Wake(string Before, string Id, string Type, string Data)
    {
        public static bool TryParse(string? message, out Wake wake)
        {
            wake = default;
            var parts = message?.Split('\n', 4);
            if (parts is not [var before, var id, var type, var data])
                return false;
            wake = new Wake(before, id, type, data);
            return true;
        }
    }

    public static RedisKey StreamKey(Recipient r) => $"rt:{(r.Kind == RecipientKind.Mitra ? 'm' : 'c')}:{r.Id}";

    public static RedisChannel Channel(Recipient r) => RedisChannel.Literal($"rt:{(r.Kind == RecipientKind.Mitra ? 'm' : 'c')}:{r.Id}");

    public Task PublishAsync<TEvent>(Recipient recipient, TEvent data, CancellationToken ct = default)
        where TEvent : IAppEvent =>
        PublishToAllAsync([recipient], data, ct);

    public async Task PublishToAllAsync<TEvent>(IEnumerable<Recipient> recipients, TEvent data, CancellationToken ct = default)
        where TEvent : IAppEvent
    {
        var eventName = TEvent.Name;
        var payload = JsonSerializer.Serialize(data, json.Value.SerializerOptions);
        var args = AppendAndWakeArgs(eventName, payload);
        // One script call per chunk of recipients: for each, the event is appended before the
        // wake-up is published, and the whole fan-out costs the client one command instead of three
        // per recipient (a pairing offer to 200 mitras was 600 commands). Chunks keep a fan-out to
        // thousands of mitras from holding Valkey for one long script. The script publishes on
        // the key's own name: that is the channel the streams subscribe to, since the multiplexer
        // prefixes channels with the same prefix as the keys (ValkeySetup).
        var recipientCount = 0;
        try
        {
            var db = valkey.GetDatabase();
            var sent = new List<Task>();
            foreach (var chunk in recipients.Select(r => StreamKey(r).Prepend(keys.Prefix)).Chunk(FanOutChunk))
            {
                recipientCount += chunk.Length;
                sent.Add(db.ScriptEvaluateAsync(AppendAndWake, chunk, args));
            }
            await Task.WhenAll(sent);
        }
        catch (Exception e) when (ValkeyFaults.IsUnavailable(e))
        {
            // Events are published after the change they describe has committed: failing the
            // request now would report a failure for a change that stuck. The apps read the same
            // state from the query routes when they reconnect (docs/realtime.md).
            LogNotDelivered(logger, eventName, recipientCount, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventName} to {Recipients} recipient(s) not delivered, Valkey unavailable: {Reason}")]
    private static partial void LogNotDelivered(ILogger logger, string eventName, int recipients, string reason);

    public async Task ForgetAsync(Recipient recipient, IReadOnlyCollection<Recipient> others, IReadOnlyCollection<Guid> about, CancellationToken ct = default)
    {
        var db = valkey.GetDatabase();
        await db.KeyDeleteAsync(StreamKey(recipient).Prepend(keys.Prefix));
        if (about.Count == 0)
            return;
        var needles = about.Select(id => id.ToString()).ToArray();
        foreach (var other in others)
        {
            var key = StreamKey(other).Prepend(keys.Prefix);
            var entries = await db.StreamRangeAsync(key);
            var mentioning = entries
                .Where(e => e.Values.Any(v => v.Name == "data" && needles.Any(n => ((string?)v.Value)?.Contains(n, StringComparison.Ordinal) == true)))
                .Select(e => e.Id)
                .ToArray();
            if (mentioning.Length > 0)
                await db.StreamDeleteAsync(key, mentioning);
        }
    }

    public Task CloseStreamsAsync(Recipient recipient, CancellationToken ct = default) =>
        valkey.GetSubscriber().PublishAsync(Channel(recipient), CloseMessage);
}
