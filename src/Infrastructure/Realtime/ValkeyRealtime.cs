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
/// name that only wakes up the instances serving that recipient's open streams. Readers always
/// read the stream after the last id they sent, so an event is delivered once and in order,
/// whichever instance published it and however many wake-ups arrive. Publishing happens after
/// the change has committed and is best effort: with Valkey down the change still stands, the
/// event is logged as not delivered, and apps read the state from the query routes.
/// </summary>
public sealed partial class ValkeyRealtime(IConnectionMultiplexer valkey, ValkeyKeys keys, IOptions<JsonOptions> json, ILogger<ValkeyRealtime> logger) : IRealtime
{
    /// <summary>Events kept per recipient: far more than 5 minutes' worth for any mitra or client.</summary>
    public const int MaxKeptEvents = 2000;

    public static readonly TimeSpan Replay = TimeSpan.FromMinutes(5);
    public const string CloseMessage = "close";
    public const string WakeMessage = "event";

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
        NameValueEntry[] entry = [new("type", eventName), new("data", payload)];
        // One batch on the shared connection: per recipient the event is appended before the
        // wake-up is published (commands of a batch are sent in order), and all of it leaves in
        // one write instead of two round trips per recipient. The batch is made on the plain
        // database, keys prefixed here: a key-prefixed batch would prefix the channels as well,
        // on top of the multiplexer's channel prefix.
        var sent = new List<Task>();
        try
        {
            var batch = valkey.GetDatabase().CreateBatch();
            foreach (var recipient in recipients)
            {
                var key = StreamKey(recipient).Prepend(keys.Prefix);
                sent.Add(batch.StreamAddAsync(key, entry, maxLength: MaxKeptEvents, useApproximateMaxLength: true));
                _ = batch.KeyExpireAsync(key, TimeSpan.FromHours(1), flags: CommandFlags.FireAndForget);
                sent.Add(batch.PublishAsync(Channel(recipient), WakeMessage));
            }
            batch.Execute();
            await Task.WhenAll(sent);
        }
        catch (Exception e) when (ValkeyFaults.IsUnavailable(e))
        {
            // Events are published after the change they describe has committed: failing the
            // request now would report a failure for a change that stuck. The apps read the same
            // state from the query routes when they reconnect (docs/realtime.md).
            LogNotDelivered(logger, eventName, sent.Count / 2, e.Message);
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
