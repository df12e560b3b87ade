using System.Diagnostics;
using System.Globalization;
using HaloBestie.Application.Common;
using HaloBestie.Application.Presence;
using HaloBestie.Application.Realtime;
using HaloBestie.Domain.Mitras;
using HaloBestie.Infrastructure.Valkey;
using HaloBestie.Infrastructure.Workers;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;
using Xunit.Abstractions;

namespace HaloBestie.IntegrationTests.Presence;

/// <summary>
/// The sweeper's reconcile (issue 21 item 5) at 2,000 online mitras: it puts back exactly the
/// mitras the streams say are online and Valkey lacks, leaves every other one untouched, and
/// costs Valkey little when nothing differs. The reconcile runs here against a redis-server of
/// its own, which nothing else uses, so every command it issues can be read back from Valkey's
/// slow log (threshold 0: every command, with how long it held the server). The figures are
/// written to the test output; docs/performance.md quotes them.
/// </summary>
public class PresenceReconcileTests(HostsFixture hosts, ITestOutputHelper output) : IClassFixture<HostsFixture>, IAsyncLifetime
{
    private const int Mitras = 2_000;
    private const string Prefix = "reconcile:";

    private OwnValkey _valkey = null!;
    private IServer _server = null!;
    private IDatabase _db = null!;
    private PresenceSweeper _sweeper = null!;
    private List<Guid> _online = [];

    public async Task InitializeAsync()
    {
        _valkey = await OwnValkey.StartAsync("reconcile");
        _server = _valkey.Server;
        _db = _valkey.Multiplexer.GetDatabase().WithKeyPrefix(Prefix);
        await HoldHostedReconcilesAsync();

        var services = hosts.Public.Services;
        var store = services.GetRequiredService<IDocumentStore>();
        var presence = new ValkeyPresenceStore(_db);
        var transitions = new PresenceTransitions(store, services.GetRequiredService<StreamWrites>(), presence, services.GetRequiredService<IRealtime>(), TimeProvider.System);
        _sweeper = new PresenceSweeper(store, presence, transitions, new WorkerTicks(_valkey.Multiplexer, new ValkeyKeys(Prefix)), TimeProvider.System, NullLogger<PresenceSweeper>.Instance);
        _online = await SeedOnlineMitrasAsync(store);
    }

    public async Task DisposeAsync() => await _valkey.DisposeAsync();

    [Fact]
    public async Task Reconcile_when_some_mitras_differ_restores_exactly_those_and_leaves_the_others_untouched()
    {
        var before = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        var missing = _online.Take(10).ToList();
        var closing = missing.Take(3).ToList(); // their offline is in progress: never restored
        var present = _online.Skip(10).ToList();
        var onlyInValkey = Enumerable.Range(0, 5).Select(_ => Guid.CreateVersion7()).ToList(); // offline on their streams: the sweeper times them out, not the reconcile
        await SetOnlineAsync(present.Concat(onlyInValkey).Select((id, i) => (id, (double)(before + i))));
        // Noted just now: an offline in progress (a note older than 30 s would be finished as stale instead).
        await _db.SortedSetAddAsync("presence:closing", closing.Select(id => new SortedSetEntry(id.ToString(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).ToArray());

        var cost = await MeasureAsync(() => _sweeper.ReconcileAsync(CancellationToken.None), "10 of 2,000 differ (3 of them closing)");

        var restoredFrom = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        foreach (var id in missing.Except(closing))
            (await _db.SortedSetScoreAsync("presence:online", id.ToString())).Should().BeGreaterThan(restoredFrom, "a mitra online on its stream and missing from Valkey is put back");
        foreach (var id in closing)
            (await _db.SortedSetScoreAsync("presence:online", id.ToString())).Should().BeNull("a mitra being taken offline is not put back");
        var scores = await _db.SortedSetScoresAsync("presence:online", present.Concat(onlyInValkey).Select(id => (RedisValue)id.ToString()).ToArray());
        scores.Should().Equal(present.Concat(onlyInValkey).Select((_, i) => (double?)(before + i)), "what agreed already keeps its heartbeat");
        (await _db.SortedSetLengthAsync("presence:online")).Should().Be(Mitras - closing.Count + onlyInValkey.Count);
        cost.Scripts.Should().Be(1, "one script for the few that differ");

        var again = await MeasureAsync(() => _sweeper.ReconcileAsync(CancellationToken.None), "nothing differs (3 closing)");
        again.Scripts.Should().Be(0, "when nothing differs the reconcile only reads");
        (await _db.SortedSetLengthAsync("presence:online")).Should().Be(Mitras - closing.Count + onlyInValkey.Count);
    }

    [Fact]
    public async Task Reconcile_when_valkey_restarted_empty_restores_every_mitra_in_short_steps()
    {
        await _db.KeyDeleteAsync(["presence:online", "presence:closing"]);

        var cost = await MeasureAsync(() => _sweeper.ReconcileAsync(CancellationToken.None), "Valkey restarted empty: all 2,000 missing");

        (await _db.SortedSetLengthAsync("presence:online")).Should().Be(Mitras);
        cost.Scripts.Should().BeGreaterThan(1, "the restore goes in batches, so other commands run between them");
    }

    private sealed record Cost(int Commands, int Scripts, long TotalMicroseconds, long LongestMicroseconds);

    private sealed record Logged(string Name, long Microseconds, bool InScript);

    /// <summary>
    /// Runs <paramref name="reconcile"/> and reads back from the slow log what it cost Valkey: the
    /// commands sent (a script's own calls are logged too, from client "?:0", and counted inside
    /// the script's time), how long they held the server in all, and the longest hold.
    /// </summary>
    private async Task<Cost> MeasureAsync(Func<Task> reconcile, string scenario)
    {
        await _server.ExecuteAsync("CONFIG", "SET", "slowlog-log-slower-than", "0");
        await _server.ExecuteAsync("CONFIG", "SET", "slowlog-max-len", "100000");
        await _server.SlowlogResetAsync();
        var watch = Stopwatch.StartNew();
        await reconcile();
        watch.Stop();
        var log = (RedisResult[])(await _server.ExecuteAsync("SLOWLOG", "GET", "100000"))!;
        await _server.ExecuteAsync("CONFIG", "SET", "slowlog-log-slower-than", "10000");
        var ignored = new[] { "PING", "ECHO", "INFO", "CLIENT", "CLUSTER", "CONFIG", "SLOWLOG", "SUBSCRIBE", "TIME" };
        var logged = log.Select(e => (RedisResult[])e!)
            .Select(e => new Logged(((RedisResult[])e[3]!)[0].ToString()!.ToUpperInvariant(), (long)e[2], e[4].ToString() == "?:0"))
            .Where(e => !ignored.Contains(e.Name))
            .ToList();
        var sent = logged.Where(e => !e.InScript).ToList();
        var cost = new Cost(
            sent.Count,
            sent.Count(e => e.Name is "EVAL" or "EVALSHA"),
            sent.Sum(e => e.Microseconds),
            sent.Count == 0 ? 0 : sent.Max(e => e.Microseconds));
        var byName = sent.GroupBy(e => e.Name)
            .Select(g => $"{g.Key} ×{g.Count()} ({g.Sum(e => e.Microseconds)} µs, longest {g.Max(e => e.Microseconds)} µs)");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reconcile, {scenario}: {watch.Elapsed.TotalMilliseconds:F0} ms in all; Valkey: {cost.Commands} commands sent ({logged.Count(e => e.InScript)} more inside scripts), busy {cost.TotalMicroseconds} µs, longest {cost.LongestMicroseconds} µs; {string.Join("; ", byName)}"));
        return cost;
    }

    private async Task SetOnlineAsync(IEnumerable<(Guid Id, double Score)> members)
    {
        await _db.KeyDeleteAsync("presence:online");
        foreach (var chunk in members.Chunk(500))
            await _db.SortedSetAddAsync("presence:online", chunk.Select(m => new SortedSetEntry(m.Id.ToString(), m.Score)).ToArray());
    }

    /// <summary>Registered and online on their streams (and so in the Mitra documents the reconcile reads); once per class.</summary>
    private static async Task<List<Guid>> SeedOnlineMitrasAsync(IDocumentStore store)
    {
        await using (var query = store.QuerySession())
        {
            var seeded = await query.Query<Mitra>().Where(m => m.IsOnline).Select(m => m.Id).ToListAsync();
            if (seeded.Count > 0)
                return seeded.ToList();
        }
        var ids = Enumerable.Range(0, Mitras).Select(_ => Guid.CreateVersion7()).ToList();
        var now = DateTimeOffset.UtcNow;
        foreach (var chunk in ids.Chunk(500))
        {
            await using var session = store.LightweightSession();
            foreach (var id in chunk)
            {
                var phone = "+62819" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(CultureInfo.InvariantCulture);
                session.Events.StartStream<Mitra>(id,
                    new MitraRegistered(id, "Mitra " + phone, phone, "Kak " + phone[^4..], null, [], Guid.Empty, now),
                    new MitraWentOnline(id, now));
            }
            await session.SaveChangesAsync();
        }
        return ids;
    }

    /// <summary>
    /// The fixture's hosts reconcile every 5 s too, against their own Valkey: with these mitras
    /// online on their streams they would put them there, and later time them out on their
    /// streams. Holding the reconcile's tick slots, as another instance would, keeps them out.
    /// </summary>
    private async Task HoldHostedReconcilesAsync()
    {
        await using var fixtureValkey = await ConnectionMultiplexer.ConnectAsync(hosts.Servers.Valkey);
        var db = fixtureValkey.GetDatabase();
        var slot = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 5_000;
        for (var i = 0; i < 240; i++)
            await db.StringSetAsync($"{hosts.KeyPrefix}tick:{PresenceSweeper.ReconcileName}:{slot + i}", "held-by-the-test", TimeSpan.FromMinutes(25), When.Always);
    }
}
