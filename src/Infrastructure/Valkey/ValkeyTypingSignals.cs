using HaloBestie.Application.Conversation;
using StackExchange.Redis;

namespace HaloBestie.Infrastructure.Valkey;

/// <summary>
/// One key per session and sender, set only when absent and expiring after the interval: the
/// first signal of each interval wins, on whichever instance it arrives. Nothing else is stored.
/// </summary>
public sealed class ValkeyTypingSignals(IDatabase valkey) : ITypingSignals
{
    public Task<bool> TryStartAsync(Guid sessionId, string sender) =>
        valkey.StringSetAsync($"typing:{sessionId:N}:{sender}", 1, ITypingSignals.Interval, When.NotExists);
}
