using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using HaloBestie.Benchmarks.Harness;
using UpdateSettings = HaloBestie.Clients.Internal.UpdateSettings;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Sessions;
using HaloBestie.Infrastructure.Persistence;
using JasperFx;
using Marten;
using StackExchange.Redis;
using DomainSession = HaloBestie.Domain.Sessions.Session;
using SessionStatus = HaloBestie.Domain.Sessions.SessionStatus;
using Pub = HaloBestie.Clients.Public;

namespace HaloBestie.Benchmarks.Soak;

/// <summary>The soak's size: mitras (each with its event stream open), clients (each with its stream open).</summary>
public sealed record SoakSize(int Mitras, int Clients);

/// <summary>
/// The soak of issues 9 and 21. Every mitra holds <c>/api/mitra/events</c> open, heartbeats every
/// 10 s and accepts some of the offers its stream brings; every client holds
/// <c>/api/client/events</c> open, asks for a bestie, waits for the match (or the expiry), talks a
/// little and ends the session (one in twenty keeps it until time-up), then pauses. Streams that
/// break are opened again after a second, as the apps do. Inside the run: Valkey read-only for 10 s
/// (at 35 %), a PostgreSQL restart (at 60 %), Valkey stopped and started empty (at 85 %). Every
/// answer is recorded with its time; a 500 fails the run. Reports the 503 window of each fault,
/// timer lag (expiries and time-ups recorded vs their deadline), presence restore time (until every
/// mitra is online again in Valkey and in PostgreSQL), then runs <see cref="ConsistencyCheck"/>.
/// </summary>
public static class SoakRun
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

    private sealed record Answer(double At, string Route, int Status);

    private sealed record Fault(string Name, DateTimeOffset Start, double StartAt, DateTimeOffset End, double EndAt)
    {
        public double? ValkeyRestoredAfter { get; set; }
        public double? PostgresRestoredAfter { get; set; }
    }

    public static async Task<int> RunAsync(TimeSpan duration, string workDir, bool publish, SoakSize size)
    {
        var valkeyDir = Env("HALOBESTIE_SOAK_VALKEY_DIR");
        var valkeyPort = Env("HALOBESTIE_SOAK_VALKEY_PORT");
        var postgresDir = Env("HALOBESTIE_SOAK_POSTGRES_DIR");
        var postgresPort = Env("HALOBESTIE_SOAK_POSTGRES_PORT");

        await using var system = await BenchSystem.PrepareAsync(workDir, publish);
        await system.StartHostsAsync();
        var settings = await system.Admin.GetSettingsAsync();
        await system.Admin.UpdateSettingsAsync(new UpdateSettings
        {
            MaxCustomersPerMitra = settings.MaxCustomersPerMitra,
            PairingTimeoutSeconds = 20,
            HeartbeatIntervalSeconds = (int)Heartbeat.TotalSeconds,
            HeartbeatTimeoutSeconds = 30,
            SessionDurationMinutes = 5,
            TrialSessions = 10,
            Topics = settings.Topics,
            TimeZone = settings.TimeZone,
            Anonymity = settings.Anonymity,
        });

        Console.WriteLine($"[soak] signing in {size.Mitras} mitras");
        var mitras = await system.OnlineMitrasAsync(size.Mitras);
        var answers = new ConcurrentQueue<Answer>();
        var clock = Stopwatch.StartNew();
        var openStreams = new int[1];
        var streamOpens = new int[1];
        var rec = new Recorder(answers, clock);
        // about three mitras try each offer: the others see it and let it be, as people would
        var acceptChance = Math.Min(1.0, 3.0 / size.Mitras);

        using var stop = new CancellationTokenSource(duration);
        var cpuBefore = CpuTimes(system);
        var wallBefore = Stopwatch.GetTimestamp();
        Console.WriteLine($"[soak] {size.Mitras} mitras, {size.Clients} clients, {size.Mitras + size.Clients} streams, {duration.TotalMinutes:0.#} min; "
            + "Valkey read-only 10 s at 35 %, PostgreSQL restart at 60 %, Valkey restarted empty at 85 %");
        var workers = new List<Task>();
        foreach (var m in mitras)
        {
            var offers = System.Threading.Channels.Channel.CreateUnbounded<Guid>();
            workers.Add(StreamLoopAsync(system.Public!.BaseUrl, () => m.Token, "/api/mitra/events", rec, openStreams, streamOpens,
                id => { if (Random.Shared.NextDouble() < acceptChance) offers.Writer.TryWrite(id); }, stop.Token));
            workers.Add(MitraLoopAsync(m, rec, offers.Reader, stop.Token));
        }
        workers.AddRange(Enumerable.Range(0, size.Clients).Select(i => ClientSlotAsync(system, i, rec, openStreams, streamOpens, stop.Token)));
        var faults = new ConcurrentQueue<Fault>();
        workers.Add(FaultsAsync(system, mitras, duration, clock, faults, valkeyDir, valkeyPort, postgresDir, postgresPort, stop.Token));
        workers.Add(ReportAsync(answers, clock, openStreams, stop.Token));
        await Task.WhenAll(workers);
        var wall = Stopwatch.GetElapsedTime(wallBefore).TotalSeconds;
        var cpuAfter = CpuTimes(system);

        // The check reads a quiescent system: every request still searching expires (the clients
        // ended their sessions as they stopped), then the mitras, who stopped heartbeating, go
        // offline themselves (before the heartbeat timeout would do it while the check reads),
        // and nothing more is recorded for a while. A run of issue 21 checked while the presence
        // sweeper was still taking mitras offline, and reported 299 mitras as differing from
        // their streams.
        await NothingSearchingAsync(system);
        Console.WriteLine($"[soak] taking the {mitras.Count} mitras offline");
        await OfflineAsync(mitras, rec);
        await QuiescentAsync(system);
        var violations = await ConsistencyCheck.RunAsync(system);
        var lag = await TimerLagAsync(system);

        var all = answers.ToList();
        Console.WriteLine($"[soak] answers: {all.Count} in {duration.TotalMinutes:0.#} min ({all.Count / duration.TotalSeconds:0} /s), {Volatile.Read(ref streamOpens[0])} stream opens");
        foreach (var g in all.GroupBy(a => (a.Route, a.Status)).OrderBy(g => g.Key.Route).ThenBy(g => g.Key.Status))
            Console.WriteLine($"[soak]   {g.Key.Route} {(g.Key.Status == 0 ? "dropped" : g.Key.Status.ToString(CultureInfo.InvariantCulture))}: {g.Count()}");
        Console.WriteLine($"[soak] CPU over the run (of {Environment.ProcessorCount} cores, wall {wall:0} s): "
            + string.Join(", ", cpuAfter.Select(c => $"{c.Key} {(c.Value - cpuBefore.GetValueOrDefault(c.Key)) / wall * 100:0} %")));

        var faultList = faults.ToList();
        foreach (var f in faultList)
        {
            var next = faultList.Where(o => o.StartAt > f.StartAt).Select(o => o.StartAt).DefaultIfEmpty(double.MaxValue).Min();
            var unavailable = all.Where(a => a.Status == 503 && a.At >= f.StartAt - 1 && a.At < next).ToList();
            var window = unavailable.Count == 0 ? "no 503"
                : $"503 from +{unavailable.Min(a => a.At) - f.StartAt:0.0} s to +{unavailable.Max(a => a.At) - f.StartAt:0.0} s after the fault began "
                  + $"({unavailable.Count} answers: {string.Join(", ", unavailable.GroupBy(a => a.Route).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"))})";
            var dropped = all.Count(a => a.Status == 0 && a.At >= f.StartAt - 1 && a.At < next);
            Console.WriteLine($"[soak] FAULT {f.Name} at {f.StartAt:0} s, lasted {f.EndAt - f.StartAt:0.0} s: {window}; {dropped} dropped connections");
            Console.WriteLine($"[soak]   presence restored after the fault ended: Valkey {Secs(f.ValkeyRestoredAfter)}, PostgreSQL {Secs(f.PostgresRestoredAfter)}");
            var around = lag.Where(l => l.Deadline >= f.Start.AddSeconds(-5) && l.Deadline <= f.End.AddSeconds(60)).ToList();
            Console.WriteLine($"[soak]   timer lag, deadlines from 5 s before to 60 s after: {LagLine(around)}");
        }
        var steady = lag.Where(l => faultList.All(f => l.Deadline < f.Start.AddSeconds(-5) || l.Deadline > f.End.AddSeconds(60))).ToList();
        Console.WriteLine($"[soak] timer lag away from faults: {LagLine(steady)}");
        Console.WriteLine($"[soak] timer lag over the whole run: {LagLine(lag)}");
        var runStart = DateTimeOffset.UtcNow - clock.Elapsed;
        foreach (var minute in lag.GroupBy(l => (int)Math.Floor((l.Deadline - runStart).TotalMinutes)).OrderBy(g => g.Key))
            Console.WriteLine($"[soak]   deadlines in minute {minute.Key + 1} of the run: {LagLine(minute.ToList())}");
        Console.WriteLine($"[soak] timer passes that changed something (public host's log): {TimerPasses(Path.Combine(workDir, "public.log"))}");

        var errors = all.Count(a => a.Status >= 500 && a.Status != 503);
        foreach (var e in all.Where(a => a.Status >= 500 && a.Status != 503).Take(20))
            Console.WriteLine($"[soak] ERROR {e.Route} {e.Status} at {e.At:0.0} s");
        Console.WriteLine($"[soak] consistency: {violations.Checks} checks, {violations.Found.Count} violations ({violations.SettledOnReread} mismatches gone when read again 2 s later); {errors} server errors other than 503");
        foreach (var v in violations.Found.Take(50))
            Console.WriteLine("[soak] VIOLATION " + v);
        var restored = faultList.Count == 3 && faultList.All(f => f.ValkeyRestoredAfter is not null && f.PostgresRestoredAfter is not null);
        if (!restored)
            Console.WriteLine("[soak] FAILED: not every fault ran, or presence was not restored after one of them");
        return violations.Found.Count == 0 && errors == 0 && restored ? 0 : 1;
    }

    private static string Env(string name) => Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run scripts/soak, which starts a PostgreSQL and a Valkey it may restart.");

    private static string Secs(double? s) => s is { } v ? $"{v:0.0} s" : "not within 120 s";

    private static string LagLine(List<(string Kind, DateTimeOffset Deadline, double Lag)> lags)
    {
        if (lags.Count == 0)
            return "none due";
        return string.Join("; ", lags.GroupBy(l => l.Kind).Select(g =>
        {
            var sorted = g.Select(l => l.Lag).Order().ToList();
            return $"{g.Key} {sorted.Count}: median {sorted[sorted.Count / 2]:0.0} s, p95 {sorted[(int)(sorted.Count * 0.95)]:0.0} s, max {sorted[^1]:0.0} s";
        }));
    }

    /// <summary>Records each answer (status 0: the connection dropped) with its time since the start.</summary>
    private sealed class Recorder(ConcurrentQueue<Answer> answers, Stopwatch clock)
    {
        public void Add(string route, int status) => answers.Enqueue(new Answer(clock.Elapsed.TotalSeconds, route, status));

        public async Task<T> Call<T>(string route, Func<Task<T>> call)
        {
            try
            {
                var result = await call();
                Add(route, 200);
                return result;
            }
            catch (Pub.ApiException e)
            {
                Add(route, e.StatusCode);
                throw;
            }
            catch (HttpRequestException)
            {
                Add(route, 0);
                throw;
            }
        }

        public Task<bool> Call(string route, Func<Task> call) => Call(route, async () => { await call(); return true; });
    }

    private static async Task Quietly(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception e) when (e is Pub.ApiException or HttpRequestException or OperationCanceledException or IOException)
        {
            // recorded by the Recorder; the loop goes on
        }
    }

    private static async Task MitraLoopAsync(BenchMitra mitra, Recorder rec, System.Threading.Channels.ChannelReader<Guid> offers, CancellationToken stop)
    {
        var nextHeartbeat = Stopwatch.GetTimestamp() + (long)(Random.Shared.NextDouble() * Heartbeat.TotalSeconds * Stopwatch.Frequency);
        while (!stop.IsCancellationRequested)
        {
            if (Stopwatch.GetTimestamp() >= nextHeartbeat)
            {
                nextHeartbeat = Stopwatch.GetTimestamp() + (long)(Heartbeat.TotalSeconds * Stopwatch.Frequency);
                await Quietly(async () =>
                {
                    try
                    {
                        await rec.Call("POST /api/mitra/heartbeat", () => mitra.Api.RecordHeartbeatAsync(stop));
                    }
                    catch (Pub.ApiException e) when (e.StatusCode == 409)
                    {
                        // put offline (it missed heartbeats while a fault lasted): online again, as the app does
                        await rec.Call("PUT /api/mitra/status", () => mitra.Api.SetMitraStatusAsync(new Pub.SetMitraStatus { Online = true }, stop));
                    }
                });
            }
            while (offers.TryRead(out var requestId))
            {
                await Task.Delay(Random.Shared.Next(200, 1500), stop).ContinueWith(_ => { }, TaskScheduler.Default);
                await Quietly(() => rec.Call("POST /api/mitra/pairing-requests/{id}/accept", () => mitra.Api.AcceptPairingRequestAsync(requestId, stop)));
            }
            await Task.Delay(200, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>One client at a time in this slot; a client whose trial is used up is replaced by a new one, with its own stream.</summary>
    private static async Task ClientSlotAsync(BenchSystem system, int slot, Recorder rec, int[] openStreams, int[] streamOpens, CancellationToken stop)
    {
        await Task.Delay(Random.Shared.Next(0, 5000), stop).ContinueWith(_ => { }, TaskScheduler.Default);
        var holder = slot % 20 == 0; // keeps its sessions until time-up
        BenchClient? client = null;
        CancellationTokenSource? streamStop = null;
        Task? stream = null;
        while (!stop.IsCancellationRequested)
        {
            await Quietly(async () =>
            {
                if (client is null)
                {
                    client = await rec.Call("POST /api/client/sign-in (+ name)", () => system.NewClientAsync());
                    if (streamStop is not null)
                    {
                        await streamStop.CancelAsync();
                        await stream!;
                        streamStop.Dispose();
                    }
                    streamStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    var token = client.Token;
                    stream = StreamLoopAsync(system.Public!.BaseUrl, () => token, "/api/client/events", rec, openStreams, streamOpens, null, streamStop.Token);
                }
                Pub.RequestPairingResult request;
                try
                {
                    request = await rec.Call("POST /api/client/pairing-requests", () => client.Api.RequestPairingAsync(new Pub.RequestPairing(), stop));
                }
                catch (Pub.ApiException e) when (e.StatusCode == 403)
                {
                    client = null; // trial used up: a new client takes its place
                    return;
                }
                for (var i = 0; i < 30 && !stop.IsCancellationRequested; i++)
                {
                    await Task.Delay(1000, stop);
                    var state = await rec.Call("GET /api/client/pairing-requests/{id}", () => client.Api.GetMyPairingRequestAsync(request.Id, stop));
                    if (state.Status == Pub.PairingStatus.Matched)
                    {
                        try
                        {
                            // a holder keeps it until time-up; the others talk a little
                            await Task.Delay(holder ? TimeSpan.FromMinutes(5.2) : TimeSpan.FromMilliseconds(Random.Shared.Next(1000, 5000)), stop);
                            if (!holder)
                                await rec.Call("POST /api/client/sessions/{id}/end", () => client.Api.EndMySessionAsync(state.SessionId!.Value, new Pub.EndMySessionBody(), stop));
                        }
                        catch (OperationCanceledException)
                        {
                            // the soak is over: end it, so that no time-up lands during the check
                            await EndAtStopAsync(rec, client, state.SessionId!.Value);
                        }
                        if (holder)
                            return;
                        break;
                    }
                    if (state.Status != Pub.PairingStatus.Searching)
                        break; // expired
                }
            });
            // a pause between conversations
            await Task.Delay(Random.Shared.Next(2000, 8000), stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        if (client is not null)
            await SettleAtStopAsync(rec, client);
        if (streamStop is not null)
        {
            await streamStop.CancelAsync();
            await stream!;
            streamStop.Dispose();
        }
    }

    /// <summary>Holds one event stream open, opening it again a second after it breaks; hands each <c>pairing.offered</c> to <paramref name="offered"/>.</summary>
    private static async Task StreamLoopAsync(string baseUrl, Func<string> token, string path, Recorder rec, int[] open, int[] opens, Action<Guid>? offered, CancellationToken stop)
    {
        var route = "GET " + path;
        while (!stop.IsCancellationRequested)
        {
            var connected = false;
            try
            {
                using var http = BenchSystem.Http(baseUrl, token());
                http.Timeout = Timeout.InfiniteTimeSpan;
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
                rec.Add(route, (int)response.StatusCode);
                if (response.IsSuccessStatusCode)
                {
                    connected = true;
                    Interlocked.Increment(ref open[0]);
                    Interlocked.Increment(ref opens[0]);
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
                    string? eventName = null;
                    while (await reader.ReadLineAsync(stop) is { } line)
                    {
                        if (line.StartsWith("event: ", StringComparison.Ordinal))
                            eventName = line[7..];
                        else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == "pairing.offered" && offered is not null)
                        {
                            using var data = JsonDocument.Parse(line[6..]);
                            offered(data.RootElement.GetProperty("requestId").GetGuid());
                        }
                        else if (line.Length == 0)
                            eventName = null;
                    }
                    rec.Add(route + " (ended by the server)", 200);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // closed by us
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                if (!stop.IsCancellationRequested)
                    rec.Add(route, 0);
            }
            finally
            {
                if (connected)
                    Interlocked.Decrement(ref open[0]);
            }
            await Task.Delay(1000, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async Task FaultsAsync(BenchSystem system, IReadOnlyList<BenchMitra> mitras, TimeSpan duration, Stopwatch clock, ConcurrentQueue<Fault> faults,
        string valkeyDir, string valkeyPort, string postgresDir, string postgresPort, CancellationToken stop)
    {
        async Task<bool> At(double fraction)
        {
            var wait = duration * fraction - clock.Elapsed;
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            return !stop.IsCancellationRequested;
        }

        async Task Run(string name, Func<Task> fault)
        {
            var start = DateTimeOffset.UtcNow;
            var startAt = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"[soak] {startAt:0} s: {name}");
            await fault();
            var f = new Fault(name, start, startAt, DateTimeOffset.UtcNow, clock.Elapsed.TotalSeconds);
            Console.WriteLine($"[soak] {f.EndAt:0} s: {name} over");
            faults.Enqueue(f);
            (f.ValkeyRestoredAfter, f.PostgresRestoredAfter) = await PresenceRestoredAsync(system, mitras, stop);
            Console.WriteLine($"[soak]   every mitra online again: Valkey after {Secs(f.ValkeyRestoredAfter)}, PostgreSQL after {Secs(f.PostgresRestoredAfter)}");
        }

        if (await At(0.35))
        {
            await Run("Valkey read-only for 10 s (REPLICAOF an unreachable primary)", async () =>
            {
                await using var admin = await ConnectionMultiplexer.ConnectAsync(system.Valkey + ",allowAdmin=true");
                await admin.GetDatabase().ExecuteAsync("REPLICAOF", "127.0.0.1", "1");
                await Task.Delay(TimeSpan.FromSeconds(10));
                await admin.GetDatabase().ExecuteAsync("REPLICAOF", "NO", "ONE");
            });
        }
        if (await At(0.60))
        {
            await Run("PostgreSQL restart (fast stop, start)", async () =>
            {
                await Services("stop", postgresDir);
                await Services("start-postgres", postgresDir, postgresPort, "fast");
            });
        }
        if (await At(0.85))
        {
            await Run("Valkey stopped 5 s and started empty", async () =>
            {
                await Services("stop", valkeyDir);
                await Task.Delay(TimeSpan.FromSeconds(5));
                await Services("start-redis", valkeyDir, valkeyPort);
            });
        }
    }

    /// <summary>Seconds until every mitra (all keep heartbeating) is in Valkey's online set and online in PostgreSQL; null if not within 120 s.</summary>
    private static async Task<(double? Valkey, double? Postgres)> PresenceRestoredAsync(BenchSystem system, IReadOnlyList<BenchMitra> mitras, CancellationToken stop)
    {
        var watch = Stopwatch.StartNew();
        double? valkeyAt = null, postgresAt = null;
        var ids = mitras.Select(m => m.Id).ToHashSet();
        var key = (RedisKey)$"bench:{system.Schema["bench_".Length..]}:presence:online";
        await using var store = DocumentStore.For(o =>
        {
            o.Connection(system.Postgres);
            MartenSetup.Configure(o, system.Schema, AutoCreate.None);
        });
        ConnectionMultiplexer? valkey = null;
        try
        {
            while (watch.Elapsed < TimeSpan.FromSeconds(120) && (valkeyAt is null || postgresAt is null))
            {
                try
                {
                    if (valkeyAt is null)
                    {
                        valkey ??= await ConnectionMultiplexer.ConnectAsync(system.Valkey + ",abortConnect=false,connectTimeout=1000");
                        var online = await valkey.GetDatabase().SortedSetRangeByRankAsync(key);
                        if (ids.IsSubsetOf(online.Select(v => Guid.Parse(v.ToString()))))
                            valkeyAt = watch.Elapsed.TotalSeconds;
                    }
                    if (postgresAt is null)
                    {
                        await using var session = store.QuerySession();
                        var online = await session.Query<Mitra>().Where(m => m.IsOnline).Select(m => m.Id).ToListAsync();
                        if (ids.IsSubsetOf(online))
                            postgresAt = watch.Elapsed.TotalSeconds;
                    }
                }
                catch (Exception e) when (e is RedisException or Npgsql.NpgsqlException or TimeoutException or FormatException or InvalidOperationException)
                {
                    // not back yet
                }
                await Task.Delay(250);
            }
        }
        finally
        {
            if (valkey is not null)
                await valkey.DisposeAsync();
        }
        _ = stop;
        return (valkeyAt, postgresAt);
    }

    /// <summary>Ends a session as the run stops (a time-up already there is fine: 409), retrying a 503 or a dropped connection.</summary>
    private static async Task EndAtStopAsync(Recorder rec, BenchClient client, Guid sessionId)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            try
            {
                await rec.Call("POST /api/client/sessions/{id}/end", () => client.Api.EndMySessionAsync(sessionId, new Pub.EndMySessionBody(), CancellationToken.None));
                return;
            }
            catch (Pub.ApiException e) when (e.StatusCode == 409)
            {
                return;
            }
            catch (Exception e) when (e is Pub.ApiException { StatusCode: 503 } or HttpRequestException)
            {
                await Task.Delay(1000);
            }
        }
    }

    /// <summary>
    /// As the run stops, a client leaves nothing open: it waits until its request (if one was being
    /// made or accepted as the run stopped) is no longer searching, then ends the session it has, if any.
    /// </summary>
    private static async Task SettleAtStopAsync(Recorder rec, BenchClient client)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(120))
        {
            try
            {
                await rec.Call("GET /api/client/pairing-requests/searching (at the end)", () => client.Api.GetMySearchingRequestAsync(CancellationToken.None));
            }
            catch (Pub.ApiException e) when (e.StatusCode == 404)
            {
                break;
            }
            catch (Exception e) when (e is Pub.ApiException { StatusCode: 503 } or HttpRequestException)
            {
            }
            await Task.Delay(1000);
        }
        for (var attempt = 0; attempt < 10; attempt++)
        {
            try
            {
                var active = await rec.Call("GET /api/client/sessions/active (at the end)", () => client.Api.GetMyActiveSessionAsync(CancellationToken.None));
                await EndAtStopAsync(rec, client, active.Id);
                return;
            }
            catch (Pub.ApiException e) when (e.StatusCode == 404)
            {
                return;
            }
            catch (Exception e) when (e is Pub.ApiException { StatusCode: 503 } or HttpRequestException)
            {
                await Task.Delay(1000);
            }
        }
    }

    /// <summary>Every mitra goes offline (as the app does when the mitra stops), retrying a 503 or a dropped connection.</summary>
    private static Task OfflineAsync(IReadOnlyList<BenchMitra> mitras, Recorder rec) =>
        Parallel.ForEachAsync(mitras, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (mitra, _) =>
        {
            for (var attempt = 0; attempt < 10; attempt++)
            {
                try
                {
                    await rec.Call("PUT /api/mitra/status (offline at the end)", () => mitra.Api.SetMitraStatusAsync(new Pub.SetMitraStatus { Online = false }, CancellationToken.None));
                    return;
                }
                catch (Exception e) when (e is Pub.ApiException { StatusCode: 503 } or HttpRequestException)
                {
                    await Task.Delay(1000);
                }
                catch (Pub.ApiException)
                {
                    return; // recorded; a 500 fails the run
                }
            }
        });

    /// <summary>
    /// Waits until nothing is searching, no session is active, no mitra is online (in PostgreSQL
    /// and in Valkey), and no event has been recorded for 5 s; at most 120 s.
    /// </summary>
    private static async Task QuiescentAsync(BenchSystem system)
    {
        await using var store = DocumentStore.For(o =>
        {
            o.Connection(system.Postgres);
            MartenSetup.Configure(o, system.Schema, AutoCreate.None);
        });
        await using var valkey = await ConnectionMultiplexer.ConnectAsync(system.Valkey + ",abortConnect=false");
        var online = (RedisKey)$"bench:{system.Schema["bench_".Length..]}:presence:online";
        var watch = Stopwatch.StartNew();
        long lastSequence = -1;
        var quietSince = TimeSpan.Zero;
        var state = "";
        while (watch.Elapsed < TimeSpan.FromSeconds(120))
        {
            await using var session = store.QuerySession();
            var searching = await session.Query<PairingRequest>().CountAsync(r => r.Status == PairingStatus.Searching);
            var active = await session.Query<DomainSession>().CountAsync(x => x.Status == SessionStatus.Active);
            var mitrasOnline = await session.Query<Mitra>().CountAsync(m => m.IsOnline);
            var inValkey = await valkey.GetDatabase().SortedSetLengthAsync(online);
            long sequence;
            await using (var connection = new Npgsql.NpgsqlConnection(system.Postgres))
            {
                await connection.OpenAsync();
                await using var last = new Npgsql.NpgsqlCommand($"select coalesce(max(seq_id), 0) from {system.Schema}.mt_events", connection);
                sequence = (long)(await last.ExecuteScalarAsync())!;
            }
            if (sequence != lastSequence)
            {
                lastSequence = sequence;
                quietSince = watch.Elapsed;
            }
            state = $"{searching} searching, {active} sessions active, {mitrasOnline} mitras online ({inValkey} in Valkey), last event {(watch.Elapsed - quietSince).TotalSeconds:0} s ago";
            if (searching == 0 && active == 0 && mitrasOnline == 0 && inValkey == 0 && watch.Elapsed - quietSince >= TimeSpan.FromSeconds(5))
            {
                Console.WriteLine($"[soak] quiescent after {watch.Elapsed.TotalSeconds:0} s: {state}");
                return;
            }
            await Task.Delay(500);
        }
        Console.WriteLine($"[soak] not quiescent within 120 s ({state}); checking all the same");
    }

    private static async Task NothingSearchingAsync(BenchSystem system)
    {
        await using var store = DocumentStore.For(o =>
        {
            o.Connection(system.Postgres);
            MartenSetup.Configure(o, system.Schema, AutoCreate.None);
        });
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            await using var session = store.QuerySession();
            if (!await session.Query<PairingRequest>().AnyAsync(r => r.Status == PairingStatus.Searching))
                return;
            await Task.Delay(500);
        }
        Console.WriteLine("[soak] requests still searching 90 s after the end");
    }

    /// <summary>Every expiry and time-up recorded: how late its event was vs the deadline.</summary>
    private static async Task<List<(string Kind, DateTimeOffset Deadline, double Lag)>> TimerLagAsync(BenchSystem system)
    {
        await using var store = DocumentStore.For(o =>
        {
            o.Connection(system.Postgres);
            MartenSetup.Configure(o, system.Schema, AutoCreate.None);
        });
        await using var session = store.QuerySession();
        var expired = await session.Query<PairingRequest>().Where(r => r.Status == PairingStatus.Expired).ToListAsync();
        var timeUps = await session.Query<DomainSession>().Where(s => s.EndReason == SessionEndReasons.TimeUp).ToListAsync();
        // Warnings are due EndsAt - 5 min: with the soak's 5-minute sessions, at the start of each.
        var warned = await session.Query<DomainSession>().Where(s => s.WarnedAt != null).ToListAsync();
        return expired.Where(r => r.ClosedAt is not null && r.ClosedReason == PairingReasons.Timeout).Select(r => ("pairing expiries", r.ExpiresAt, (r.ClosedAt!.Value - r.ExpiresAt).TotalSeconds))
            .Concat(warned.Select(s => ("session warnings", s.WarnAt, (s.WarnedAt!.Value - s.WarnAt).TotalSeconds)))
            .Concat(timeUps.Where(s => s.EndedAt is not null).Select(s => ("session time-ups", s.EndsAt, (s.EndedAt!.Value - s.EndsAt).TotalSeconds)))
            .ToList();
    }

    /// <summary>The durable-timer passes that changed something, from the host's "Timers fired" log lines: how many, and how long they took.</summary>
    private static string TimerPasses(string log)
    {
        var millis = new List<double>();
        var changes = 0L;
        foreach (var line in File.ReadLines(log))
        {
            if (!line.Contains("\"Timers fired", StringComparison.Ordinal))
                continue;
            using var json = JsonDocument.Parse(line);
            var state = json.RootElement.GetProperty("State");
            millis.Add(state.GetProperty("Milliseconds").GetDouble());
            changes += state.GetProperty("Expired").GetInt64() + state.GetProperty("Sessions").GetInt64();
        }
        if (millis.Count == 0)
            return "none logged";
        millis.Sort();
        return $"{millis.Count} passes, {changes} transitions; pass took median {millis[millis.Count / 2]:0} ms, p95 {millis[(int)(millis.Count * 0.95)]:0} ms, max {millis[^1]:0} ms";
    }

    /// <summary>CPU seconds so far of the hosts, this driver, PostgreSQL and redis-server (from /proc).</summary>
    private static Dictionary<string, double> CpuTimes(BenchSystem system)
    {
        var result = new Dictionary<string, double>
        {
            ["public host"] = Cpu(system.Public!.Pid),
            ["internal host"] = Cpu(system.Internal!.Pid),
            ["driver"] = Cpu(Environment.ProcessId),
        };
        foreach (var (name, comm) in new[] { ("postgres", "postgres"), ("redis-server", "redis-server") })
        {
            double total = 0;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid))
                    continue;
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == comm)
                        total += Cpu(pid);
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
            result[name + " (all on the machine)"] = total;
        }
        return result;
    }

    private static double Cpu(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static async Task ReportAsync(ConcurrentQueue<Answer> answers, Stopwatch clock, int[] openStreams, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(30), stop).ContinueWith(_ => { }, TaskScheduler.Default);
            var all = answers.ToList();
            var last = all.Where(a => a.At > clock.Elapsed.TotalSeconds - 30).ToList();
            Console.WriteLine($"[soak] {clock.Elapsed:mm\\:ss} {all.Count} answers, last 30 s {last.Count / 30.0:0} /s "
                + $"({string.Join(", ", last.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))}); streams open {Volatile.Read(ref openStreams[0])}");
        }
    }

    private static async Task Services(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Repo.Root, "scripts", "lib", "services.sh"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"services.sh {string.Join(' ', args)} failed: {errors}");
    }
}
