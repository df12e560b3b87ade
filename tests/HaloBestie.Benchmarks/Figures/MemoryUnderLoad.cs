using HaloBestie.Benchmarks.Harness;

namespace HaloBestie.Benchmarks.Figures;

/// <summary>
/// Resident memory of the public host (VmRSS from /proc) after heartbeats at full speed for the
/// given time while N event streams stay open (several streams per mitra: devices).
/// </summary>
public static class MemoryUnderLoad
{
    public static async Task RunAsync(BenchSystem system, IReadOnlyList<BenchMitra> mitras, Sizes sizes, Report report)
    {
        // The figures before this one may have taken longer than the heartbeat timeout.
        await BenchSystem.OnlineAgainAsync(mitras);
        var tokens = Enumerable.Range(0, sizes.MemoryStreams).Select(i => mitras[i % mitras.Count].Token);
        await using var streams = await EventStreams.OpenAsync(system.Public!.BaseUrl, tokens, TimeSpan.FromSeconds(120));
        var load = await Wrk.RunAsync(system.Public.BaseUrl + "/api/mitra/heartbeat", "POST", mitras.Select(m => m.Token).ToArray(),
            sizes.MemoryDuration, sizes.WrkConnections, Math.Min(2, sizes.WrkConnections), system.WorkDir);
        await load.EnsureServedAsync("memory under heartbeat load", () => ProbeHeartbeatAsync(system, mitras[0]));
        var (rss, peak) = system.Public.Memory();
        var split = system.Public.MemorySplit();
        var mb = rss / 1024.0 / 1024.0;
        report.Add(new Row(
            $"resident memory of the public host after {Report.F(load.RequestsPerSecond, "0")} heartbeats/s for {sizes.MemoryDuration.TotalSeconds:0} s with {streams.Connected} open streams",
            $"{Report.F(mb, "0")} MB",
            "—",
            "≤ 300 MB (at ≥ 10000 heartbeats/s)",
            mb <= 300 && load.RequestsPerSecond >= 10_000,
            $"peak (VmHWM) {Report.F(peak / 1024.0 / 1024.0, "0")} MB; {split}; {load.Requests} heartbeats of {mitras.Count} mitras, every one answered 204"));
    }

    /// <summary>What one heartbeat answers now: its status and problem.</summary>
    internal static async Task<string> ProbeHeartbeatAsync(BenchSystem system, BenchMitra mitra)
    {
        using var http = new HttpClient { BaseAddress = new Uri(system.Public!.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/mitra/heartbeat");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", mitra.Token);
        using var response = await http.SendAsync(request);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }
}
