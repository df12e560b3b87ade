using System.Collections.Concurrent;
using System.Diagnostics;
using HaloBestie.Benchmarks.Harness;
using HaloBestie.Clients.Internal;
using Pub = HaloBestie.Clients.Public;

namespace HaloBestie.Benchmarks.Soak;

/// <summary>
/// The bounded soak of issue 9: mitras heartbeat and accept what they are offered, clients ask
/// for a bestie, talk a little and end the session, for the given time; halfway through Valkey
/// is stopped for a few seconds and started again empty. Then <see cref="ConsistencyCheck"/> goes
/// over every stream and read model. Exit code 0 only with zero violations and no 500.
/// </summary>
public static class SoakRun
{
    public static async Task<int> RunAsync(TimeSpan duration, string workDir, bool publish)
    {
        var valkeyDir = Environment.GetEnvironmentVariable("HALOBESTIE_SOAK_VALKEY_DIR")
            ?? throw new InvalidOperationException("HALOBESTIE_SOAK_VALKEY_DIR is not set: run scripts/soak, which starts a Valkey it may restart.");
        var valkeyPort = Environment.GetEnvironmentVariable("HALOBESTIE_SOAK_VALKEY_PORT")!;

        await using var system = await BenchSystem.PrepareAsync(workDir, publish);
        await system.StartHostsAsync();
        var settings = await system.Admin.GetSettingsAsync();
        await system.Admin.UpdateSettingsAsync(new UpdateSettings
        {
            MaxCustomersPerMitra = settings.MaxCustomersPerMitra,
            PairingTimeoutSeconds = 20,
            HeartbeatIntervalSeconds = settings.HeartbeatIntervalSeconds,
            HeartbeatTimeoutSeconds = settings.HeartbeatTimeoutSeconds,
            SessionDurationMinutes = settings.SessionDurationMinutes,
            TrialSessions = 10,
            Topics = settings.Topics,
            TimeZone = settings.TimeZone,
            Anonymity = settings.Anonymity,
        });

        var mitras = await system.OnlineMitrasAsync(20);
        var outcomes = new ConcurrentDictionary<string, int>();
        void Count(string what) => outcomes.AddOrUpdate(what, 1, (_, n) => n + 1);

        using var stop = new CancellationTokenSource(duration);
        var started = Stopwatch.GetTimestamp();
        Console.WriteLine($"[soak] {mitras.Count} mitras, 30 clients, {duration.TotalMinutes:0.#} min; Valkey restarted halfway");
        var workers = new List<Task>();
        workers.AddRange(mitras.Select(m => MitraLoopAsync(m, Count, stop.Token)));
        workers.AddRange(Enumerable.Range(0, 30).Select(_ => ClientLoopAsync(system, Count, stop.Token)));
        workers.Add(RestartValkeyHalfwayAsync(valkeyDir, valkeyPort, duration, stop.Token));
        workers.Add(ReportAsync(outcomes, started, stop.Token));
        await Task.WhenAll(workers);

        // Let timers and sweeps finish what was in flight, then check everything.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var violations = await ConsistencyCheck.RunAsync(system);

        Console.WriteLine($"[soak] answers: {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"))}");
        var errors = outcomes.Where(o => o.Key.StartsWith("500", StringComparison.Ordinal) || o.Key.StartsWith("unexpected", StringComparison.Ordinal)).Sum(o => o.Value);
        Console.WriteLine($"[soak] consistency: {violations.Checks} checks, {violations.Found.Count} violations; {errors} unexpected answers");
        foreach (var v in violations.Found.Take(50))
            Console.WriteLine("[soak] VIOLATION " + v);
        return violations.Found.Count == 0 && errors == 0 ? 0 : 1;
    }

    private static async Task MitraLoopAsync(BenchMitra mitra, Action<string> count, CancellationToken stop)
    {
        var nextHeartbeat = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            await Call(count, "heartbeat", async () =>
            {
                if (Stopwatch.GetTimestamp() >= nextHeartbeat)
                {
                    nextHeartbeat = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 2;
                    try
                    {
                        await mitra.Api.RecordHeartbeatAsync(stop);
                    }
                    catch (Pub.ApiException e) when (e.StatusCode == 409)
                    {
                        // put offline (Valkey came back empty and it missed the restore): go online again
                        await mitra.Api.SetMitraStatusAsync(new Pub.SetMitraStatus { Online = true }, stop);
                        throw;
                    }
                }
            });
            await Call(count, "accept", async () =>
            {
                var offered = await mitra.Api.ListOfferedPairingRequestsAsync(stop);
                if (offered.Count > 0)
                    await mitra.Api.AcceptPairingRequestAsync(offered.ElementAt(Random.Shared.Next(offered.Count)).Id, stop);
            });
            await Task.Delay(Random.Shared.Next(200, 600), stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async Task ClientLoopAsync(BenchSystem system, Action<string> count, CancellationToken stop)
    {
        BenchClient? client = null;
        while (!stop.IsCancellationRequested)
        {
            await Call(count, "client", async () =>
            {
                client ??= await system.NewClientAsync();
                Pub.RequestPairingResult request;
                try
                {
                    request = await client.Api.RequestPairingAsync(new Pub.RequestPairing(), stop);
                }
                catch (Pub.ApiException e) when (e.StatusCode == 403)
                {
                    client = null; // trial used up: a new client takes its place
                    throw;
                }
                for (var i = 0; i < 40 && !stop.IsCancellationRequested; i++)
                {
                    await Task.Delay(250, stop);
                    var state = await client.Api.GetMyPairingRequestAsync(request.Id, stop);
                    if (state.Status == Pub.PairingStatus.Matched)
                    {
                        await Task.Delay(Random.Shared.Next(500, 3000), stop);
                        await client.Api.EndMySessionAsync(state.SessionId!.Value, new Pub.EndMySessionBody(), stop);
                        return;
                    }
                    if (state.Status != Pub.PairingStatus.Searching)
                        return; // expired
                }
                await client.Api.CancelPairingRequestAsync(request.Id, stop);
            });
        }
    }

    /// <summary>Runs one step; counts its outcome by status (a 503 while Valkey is down is expected, a 500 never).</summary>
    private static async Task Call(Action<string> count, string what, Func<Task> step)
    {
        try
        {
            await step();
            count($"{what} ok");
        }
        catch (Pub.ApiException e)
        {
            count($"{(e.StatusCode >= 500 && e.StatusCode != 503 ? "500 " : "")}{what} {e.StatusCode}");
        }
        catch (OperationCanceledException)
        {
            // the soak is over
        }
        catch (HttpRequestException e)
        {
            count($"unexpected {what} {e.GetType().Name}");
        }
    }

    private static async Task RestartValkeyHalfwayAsync(string dir, string port, TimeSpan duration, CancellationToken stop)
    {
        await Task.Delay(duration / 2, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        if (stop.IsCancellationRequested)
            return;
        Console.WriteLine("[soak] stopping Valkey");
        await Services("stop", dir);
        await Task.Delay(TimeSpan.FromSeconds(5));
        await Services("start-redis", dir, port);
        Console.WriteLine("[soak] Valkey started again, empty");
    }

    private static async Task ReportAsync(ConcurrentDictionary<string, int> outcomes, long started, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(30), stop).ContinueWith(_ => { }, TaskScheduler.Default);
            Console.WriteLine($"[soak] {Stopwatch.GetElapsedTime(started):mm\\:ss} {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"))}");
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
