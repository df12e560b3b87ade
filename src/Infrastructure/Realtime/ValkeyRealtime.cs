using System.Text.Json;
using HaloBestie.Application.Realtime;
using HaloBestie.Infrastructure.Valkey;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HaloBestie.Infrastructure.Realtime;

/// <summary>
/// Each recipient has a Valkey stream (<c>rt:m:&lt;mitraId&gt;</c>, <c>rt:c:&lt;clientId&gt;</c>) that
/// keeps its recent events in order, with ids Valkey assigns, and a pub/sub channel of the same
/// name that only wakes up the instances serving that recipient's open streams. Readers always
/// read the stream after the last id they sent, so an event is delivered once and in order,
/// whichever instance published it and however many wake-ups arrive.
/// </summary>
public sealed class ValkeyRealtime(IDatabase db, IConnectionMultiplexer valkey, IOptions<JsonOptions> json) : IRealtime
{
    /// <summary>Events kept per recipient: far more than 5 minutes' worth for any mitra or client.</summary>
    public const int MaxKeptEvents = 2000;

    public static readonly TimeSpan Replay = TimeSpan.FromMinutes(5);
    public const string CloseMessage = "close";
    public const string WakeMessage = "event";

    public static RedisKey StreamKey(Recipient r) => $"rt:{(r.Kind == RecipientKind.Mitra ? 'm' : 'c')}:{r.Id}";

    public static RedisChannel Channel(Recipient r) => RedisChannel.Literal($"rt:{(r.Kind == RecipientKind.Mitra ? 'm' : 'c')}:{r.Id}");

    public async Task PublishAsync(Recipient recipient, string eventName, object data, CancellationToken ct = default)
    {
        var key = StreamKey(recipient);
        var payload = JsonSerializer.Serialize(data, data.GetType(), json.Value.SerializerOptions);
        await db.StreamAddAsync(key, [new NameValueEntry("type", eventName), new NameValueEntry("data", payload)],
            maxLength: MaxKeptEvents, useApproximateMaxLength: true);
        await db.KeyExpireAsync(key, TimeSpan.FromHours(1), CommandFlags.FireAndForget);
        await valkey.GetSubscriber().PublishAsync(Channel(recipient), WakeMessage);
    }

    public Task CloseStreamsAsync(Recipient recipient, CancellationToken ct = default) =>
        valkey.GetSubscriber().PublishAsync(Channel(recipient), CloseMessage);
}
