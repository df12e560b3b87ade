using HaloBestie.Application.Presence;
using StackExchange.Redis;

namespace HaloBestie.Infrastructure.Valkey;

/// <summary>
/// Presence in two sorted sets (scores are Unix milliseconds): <c>presence:online</c> holds each
/// online mitra with its last heartbeat; <c>presence:closing</c> holds mitras recently taken
/// offline (their transition being, or just been, written to PostgreSQL). Every step that must not interleave is one Lua
/// script, so it is atomic across instances. Keys are passed to the scripts as RedisKey
/// parameters, so the deployment's key prefix (WithKeyPrefix) applies to them too.
/// </summary>
public sealed class ValkeyPresenceStore(IDatabase db) : IPresenceStore
{
    private static readonly RedisKey Online = "presence:online";
    private static readonly RedisKey Closing = "presence:closing";

    // Mitras online in the background (PRODUCT.md §10), scored by when that ends. Such a mitra's
    // score in presence:online is that same moment, so even the heartbeat rule would only take it
    // a timeout later; the background claim takes it first, with its own reason.
    private static readonly RedisKey Background = "presence:background";

    private static readonly LuaScript EnterBackground = LuaScript.Prepare(
        "if redis.call('ZSCORE', @online, @id) then redis.call('ZADD', @online, @until, @id) redis.call('ZADD', @background, @until, @id) return 1 end return 0");

    private static readonly LuaScript ClaimBackgroundExpired = LuaScript.Prepare("""
        local ids = redis.call('ZRANGEBYSCORE', @background, '-inf', @now, 'LIMIT', 0, @max)
        for _, id in ipairs(ids) do
          redis.call('ZREM', @background, id)
          if redis.call('ZREM', @online, id) == 1 then
            redis.call('ZADD', @closing, @now, id)
          end
        end
        return ids
        """);

    // Take expired members out and note them as closing, in one step: each goes to one caller.
    private static readonly LuaScript ClaimExpired = LuaScript.Prepare("""
        local ids = redis.call('ZRANGEBYSCORE', @online, '-inf', @cutoff, 'LIMIT', 0, @max)
        for _, id in ipairs(ids) do
          redis.call('ZREM', @online, id)
          redis.call('ZREM', @background, id)
          redis.call('ZADD', @closing, @now, id)
        end
        return ids
        """);

    private static readonly LuaScript BeginOffline = LuaScript.Prepare(
        "redis.call('ZREM', @online, @id) redis.call('ZREM', @background, @id) redis.call('ZADD', @closing, @now, @id) return 1");

    // Put back what the stream says is online but Valkey lost, unless its offline is in progress.
    private static readonly LuaScript Restore = LuaScript.Prepare("""
        local restored = {}
        for _, id in ipairs(cjson.decode(@ids)) do
          if not redis.call('ZSCORE', @online, id) and not redis.call('ZSCORE', @closing, id) then
            redis.call('ZADD', @online, @now, id)
            table.insert(restored, id)
          end
        end
        return restored
        """);

    public async Task MarkOnlineAsync(Guid mitraId, DateTimeOffset now)
    {
        await db.SortedSetAddAsync(Online, mitraId.ToString(), now.ToUnixTimeMilliseconds());
        await db.SortedSetRemoveAsync(Closing, mitraId.ToString());
        await db.SortedSetRemoveAsync(Background, mitraId.ToString());
    }

    private readonly HeartbeatBatches _heartbeats = new(db, Online, Background);

    public Task<bool> HeartbeatAsync(Guid mitraId, DateTimeOffset now) => _heartbeats.RecordAsync(mitraId, now);

    public Task BeginOfflineAsync(Guid mitraId, DateTimeOffset now) =>
        db.ScriptEvaluateAsync(BeginOffline, new { online = Online, closing = Closing, background = Background, id = mitraId.ToString(), now = now.ToUnixTimeMilliseconds() });

    public Task ForgetOfflineAsync(Guid mitraId) => db.SortedSetRemoveAsync(Closing, mitraId.ToString());

    public async Task<IReadOnlyList<Guid>> ClaimExpiredAsync(DateTimeOffset cutoff, DateTimeOffset now, int max)
    {
        var result = await db.ScriptEvaluateAsync(ClaimExpired, new
        {
            online = Online, closing = Closing, background = Background, cutoff = cutoff.ToUnixTimeMilliseconds(), now = now.ToUnixTimeMilliseconds(), max,
        });
        return Ids(result);
    }

    public async Task<bool> EnterBackgroundAsync(Guid mitraId, DateTimeOffset until) =>
        (int)await db.ScriptEvaluateAsync(EnterBackground, new { online = Online, background = Background, id = mitraId.ToString(), until = until.ToUnixTimeMilliseconds() }) == 1;

    public async Task<IReadOnlyList<Guid>> ClaimBackgroundExpiredAsync(DateTimeOffset now, int max) =>
        Ids(await db.ScriptEvaluateAsync(ClaimBackgroundExpired, new { online = Online, closing = Closing, background = Background, now = now.ToUnixTimeMilliseconds(), max }));

    // Both only inform a view (GET /api/mitra/me, the dashboard), which worked without Valkey before
    // the background rule: with Valkey unavailable they answer "not known" instead of failing it.
    public async Task<DateTimeOffset?> BackgroundUntilAsync(Guid mitraId)
    {
        try
        {
            return await db.SortedSetScoreAsync(Background, mitraId.ToString()) is { } until ? DateTimeOffset.FromUnixTimeMilliseconds((long)until) : null;
        }
        catch (Exception e) when (ValkeyFaults.IsUnavailable(e))
        {
            return null;
        }
    }

    public async Task<long> CountBackgroundAsync()
    {
        try
        {
            return await db.SortedSetLengthAsync(Background);
        }
        catch (Exception e) when (ValkeyFaults.IsUnavailable(e))
        {
            return 0;
        }
    }

    public async Task<IReadOnlyList<Guid>> StaleOfflinesAsync(DateTimeOffset before)
    {
        var members = await db.SortedSetRangeByScoreAsync(Closing, double.NegativeInfinity, before.ToUnixTimeMilliseconds());
        return members.Select(m => Guid.Parse(m.ToString())).ToList();
    }

    public async Task<bool> IsClosingSinceAsync(Guid mitraId, DateTimeOffset before) =>
        await db.SortedSetScoreAsync(Closing, mitraId.ToString()) is { } noted && noted <= before.ToUnixTimeMilliseconds();

    public async Task<IReadOnlyList<Guid>> RestoreMissingAsync(IReadOnlyCollection<Guid> onlineInStore, DateTimeOffset now)
    {
        if (onlineInStore.Count == 0)
            return [];
        var ids = "[" + string.Join(',', onlineInStore.Select(id => $"\"{id}\"")) + "]";
        var result = await db.ScriptEvaluateAsync(Restore, new { online = Online, closing = Closing, ids, now = now.ToUnixTimeMilliseconds() });
        return Ids(result);
    }

    // ZMSCORE of up to this many members holds Valkey for tens of microseconds (docs/performance.md).
    private const int CompareBatch = 500;

    public async Task<IReadOnlyList<Guid>> FindMissingAsync(IReadOnlyCollection<Guid> onlineInStore)
    {
        var missing = new List<Guid>();
        foreach (var batch in onlineInStore.Chunk(CompareBatch))
        {
            var online = await db.SortedSetScoresAsync(Online, batch.Select(id => (RedisValue)id.ToString()).ToArray());
            var absent = batch.Where((_, i) => online[i] is null).ToArray();
            if (absent.Length == 0)
                continue;
            var closing = await db.SortedSetScoresAsync(Closing, absent.Select(id => (RedisValue)id.ToString()).ToArray());
            missing.AddRange(absent.Where((_, i) => closing[i] is null));
        }
        return missing;
    }

    public async Task<bool> IsOnlineAsync(Guid mitraId) => await db.SortedSetScoreAsync(Online, mitraId.ToString()) is not null;

    public Task<long> CountOnlineAsync() => db.SortedSetLengthAsync(Online);

    private static List<Guid> Ids(RedisResult result) =>
        result.IsNull ? [] : ((RedisResult[])result!).Select(r => Guid.Parse(r.ToString()!)).ToList();
}
