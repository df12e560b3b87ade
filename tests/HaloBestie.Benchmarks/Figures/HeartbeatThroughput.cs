using HaloBestie.Benchmarks.Harness;

namespace HaloBestie.Benchmarks.Figures;

/// <summary>
/// <c>POST /api/mitra/heartbeat</c> through the public host with RS256 verification of each
/// mitra's own token, driven by wrk, beside <c>POST /bench/trivial</c> (same host, same tokens,
/// token verified by the same scheme and policy, then 204). Runs alternate trivial, heartbeat,
/// trivial, heartbeat; the better of each pair counts.
/// </summary>
public static class HeartbeatThroughput
{
    public static async Task RunAsync(BenchSystem system, IReadOnlyList<BenchMitra> mitras, Sizes sizes, Report report)
    {
        // Signing in thousands of mitras takes longer than the heartbeat timeout (90 s): the first
        // ones are offline again by now, and their heartbeats would be refused.
        if (mitras.Count > 1000)
            await BenchSystem.OnlineAgainAsync(mitras);
        var tokens = mitras.Select(m => m.Token).ToArray();
        var url = system.Public!.BaseUrl;
        var threads = Math.Min(2, sizes.WrkConnections);

        // Warm both paths (JIT, token cache, connection pools) before measuring.
        await Wrk.RunAsync(url + "/bench/trivial", "POST", tokens, TimeSpan.FromSeconds(1), sizes.WrkConnections, threads, system.WorkDir);
        await Wrk.RunAsync(url + "/api/mitra/heartbeat", "POST", tokens, TimeSpan.FromSeconds(1), sizes.WrkConnections, threads, system.WorkDir);

        var valkeyPid = await system.ValkeyPidAsync();
        Wrk.Result? bestTrivial = null, bestHeartbeat = null;
        (double Host, double Valkey) trivialCpu = default, heartbeatCpu = default;
        for (var round = 0; round < 2; round++)
        {
            var (trivial, tCpu) = await MeasuredAsync(system, valkeyPid, () => Wrk.RunAsync(url + "/bench/trivial", "POST", tokens, sizes.HeartbeatDuration, sizes.WrkConnections, threads, system.WorkDir));
            var (heartbeat, hCpu) = await MeasuredAsync(system, valkeyPid, () => Wrk.RunAsync(url + "/api/mitra/heartbeat", "POST", tokens, sizes.HeartbeatDuration, sizes.WrkConnections, threads, system.WorkDir));
            if (bestTrivial is null || trivial.RequestsPerSecond > bestTrivial.RequestsPerSecond) trivialCpu = tCpu;
            if (bestHeartbeat is null || heartbeat.RequestsPerSecond > bestHeartbeat.RequestsPerSecond) heartbeatCpu = hCpu;
            await trivial.EnsureServedAsync("trivial authenticated endpoint", () => MemoryUnderLoad.ProbeHeartbeatAsync(system, mitras[0]));
            await heartbeat.EnsureServedAsync("heartbeats", () => MemoryUnderLoad.ProbeHeartbeatAsync(system, mitras[0]));
            if (bestTrivial is null || trivial.RequestsPerSecond > bestTrivial.RequestsPerSecond) bestTrivial = trivial;
            if (bestHeartbeat is null || heartbeat.RequestsPerSecond > bestHeartbeat.RequestsPerSecond) bestHeartbeat = heartbeat;
        }

        var ratio = bestHeartbeat!.RequestsPerSecond / bestTrivial!.RequestsPerSecond;
        report.Add(new Row(
            $"heartbeats/s, full public host, RS256 tokens of {tokens.Length} mitras",
            $"{Report.F(bestHeartbeat.RequestsPerSecond, "0")}/s",
            $"{Report.F(bestTrivial.RequestsPerSecond, "0")}/s (trivial authenticated endpoint)",
            "≥ 10000/s and ≥ 0.6× baseline",
            bestHeartbeat.RequestsPerSecond >= 10_000 && ratio >= 0.6,
            $"ratio {Report.F(ratio, "0.00")}; wrk -t{threads} -c{sizes.WrkConnections} -d{sizes.HeartbeatDuration.TotalSeconds}s, {bestHeartbeat.Requests} heartbeats and {bestTrivial.Requests} trivial requests in the counted runs, every answer 204; " +
            $"CPU per request: host {Report.F(heartbeatCpu.Host, "0")} µs vs {Report.F(trivialCpu.Host, "0")} µs, Valkey {Report.F(heartbeatCpu.Valkey, "0")} µs vs {Report.F(trivialCpu.Valkey, "0")} µs"));
    }

    /// <summary>The run, and the CPU the public host and Valkey spent per request during it, in µs.</summary>
    private static async Task<(Wrk.Result Result, (double Host, double Valkey) Cpu)> MeasuredAsync(BenchSystem system, int valkeyPid, Func<Task<Wrk.Result>> run)
    {
        var host0 = HostProcess.CpuTime(system.Public!.Pid);
        var valkey0 = HostProcess.CpuTime(valkeyPid);
        var result = await run();
        var host = (HostProcess.CpuTime(system.Public.Pid) - host0).TotalMicroseconds / result.Requests;
        var valkey = (HostProcess.CpuTime(valkeyPid) - valkey0).TotalMicroseconds / result.Requests;
        return (result, (host, valkey));
    }
}
