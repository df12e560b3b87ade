using System.Globalization;
using HaloBestie.Infrastructure.Valkey;
using HaloBestie.IntegrationTests.Infrastructure;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace HaloBestie.IntegrationTests.Presence;

/// <summary>
/// The heartbeats of one instance share their Valkey calls (<c>HeartbeatBatches</c>): many at once
/// still each get their own answer and refresh only their own mitra, a failed call fails only the
/// heartbeats it carried, and the ones after it are sent again. Against a redis-server of its own,
/// so that Valkey's command counts are this test's alone.
/// </summary>
public class HeartbeatBatchTests : IAsyncLifetime
{
    private const string Prefix = "batch:";

    private OwnValkey _valkey = null!;
    private IServer _server = null!;
    private IDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _valkey = await OwnValkey.StartAsync("heartbeats");
        _server = _valkey.Server;
        _db = _valkey.Multiplexer.GetDatabase().WithKeyPrefix(Prefix);
    }

    public async Task DisposeAsync() => await _valkey.DisposeAsync();

    [Fact]
    public async Task Heartbeats_of_many_mitras_at_once_each_refresh_only_their_own_mitra_and_share_few_calls()
    {
        var presence = new ValkeyPresenceStore(_db);
        var online = Enumerable.Range(0, 400).Select(_ => Guid.CreateVersion7()).ToList();
        var offline = Enumerable.Range(0, 200).Select(_ => Guid.CreateVersion7()).ToList();
        var inBackground = online.Take(50).ToList();
        var earlier = DateTimeOffset.UtcNow.AddMinutes(-1);
        await _db.SortedSetAddAsync("presence:online", online.Select(id => new SortedSetEntry(id.ToString(), earlier.ToUnixTimeMilliseconds())).ToArray());
        await _db.SortedSetAddAsync("presence:background", inBackground.Select(id => new SortedSetEntry(id.ToString(), earlier.AddMinutes(5).ToUnixTimeMilliseconds())).ToArray());
        var before = await EvalCallsAsync();

        // Every online mitra twice (its second beat later than its first), every offline one once, interleaved.
        var now = DateTimeOffset.UtcNow;
        var beats = online.Select(id => (id, at: now, expected: true))
            .Concat(offline.Select(id => (id, at: now, expected: false)))
            .Concat(online.Select(id => (id, at: now.AddMilliseconds(5), expected: true)))
            .OrderBy(_ => Random.Shared.Next())
            .ToList();
        var answers = await Task.WhenAll(beats.Select(b => presence.HeartbeatAsync(b.id, b.at)));

        answers.Should().Equal(beats.Select(b => b.expected), "each heartbeat is answered for its own mitra: refreshed when online, refused when not");
        foreach (var id in online)
            (await _db.SortedSetScoreAsync("presence:online", id.ToString())).Should().BeGreaterThanOrEqualTo(now.ToUnixTimeMilliseconds());
        foreach (var id in offline)
            (await _db.SortedSetScoreAsync("presence:online", id.ToString())).Should().BeNull("a heartbeat never brings an offline mitra back");
        (await _db.SortedSetLengthAsync("presence:background")).Should().Be(0, "a heartbeat ends a mitra's time in the background");
        var calls = await EvalCallsAsync() - before;
        calls.Should().BeInRange((beats.Count + 255) / 256, beats.Count / 10,
            $"{beats.Count} heartbeats sent together share calls (at most 256 in one): {calls} calls");
    }

    [Fact]
    public async Task Heartbeat_when_a_call_fails_fails_only_the_heartbeats_it_carried_and_the_next_ones_are_sent()
    {
        var presence = new ValkeyPresenceStore(_db);
        var mitra = Guid.CreateVersion7();
        // The online set is not a sorted set: the script's ZSCORE fails, and with it the whole call.
        await _db.StringSetAsync("presence:online", "not a sorted set");

        var failed = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            try
            {
                await presence.HeartbeatAsync(mitra, DateTimeOffset.UtcNow);
                return null;
            }
            catch (RedisServerException e)
            {
                return e;
            }
        })).WaitAsync(TimeSpan.FromSeconds(10));
        failed.Should().AllSatisfy(e => e.Should().NotBeNull("every heartbeat of a failed call fails, none is answered as if recorded"));

        await _db.KeyDeleteAsync("presence:online");
        await _db.SortedSetAddAsync("presence:online", mitra.ToString(), 1);
        (await presence.HeartbeatAsync(mitra, DateTimeOffset.UtcNow).WaitAsync(TimeSpan.FromSeconds(10)))
            .Should().BeTrue("after a failed call the next heartbeats are sent again");
        (await presence.HeartbeatAsync(Guid.CreateVersion7(), DateTimeOffset.UtcNow).WaitAsync(TimeSpan.FromSeconds(10))).Should().BeFalse();
    }

    private async Task<long> EvalCallsAsync()
    {
        var stats = (await _server.InfoAsync("commandstats")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        return new[] { "cmdstat_evalsha", "cmdstat_eval" }
            .Where(stats.ContainsKey)
            .Sum(k => long.Parse(stats[k].Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture));
    }
}
