using HaloBestie.Benchmarks.Harness;

namespace HaloBestie.Benchmarks.Figures;

/// <summary>
/// Start of each host (<c>dotnet the.dll</c> as published for linux-x64, Production) to its first
/// <c>/health/ready</c> 200,
/// beside the same for an empty ASP.NET Core app. Median of several cold starts, taken in turns,
/// after one unmeasured round.
/// </summary>
public static class StartupTime
{
    public static async Task RunAsync(BenchSystem system, Sizes sizes, Report report)
    {
        var empty = new List<double>();
        var @public = new List<double>();
        var @internal = new List<double>();
        // One unmeasured round first: the programs' files in the page cache, as on a node that
        // has pulled the image (the baseline gets the same).
        await StartOnce(Repo.EmptyAppDll, new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Production" }, system);
        await StartOnce(system.PublicDll, system.Environment(), system);
        await StartOnce(system.InternalDll, system.Environment(), system);
        for (var run = 0; run < sizes.StartupRuns; run++)
        {
            empty.Add(await StartOnce(Repo.EmptyAppDll, new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Production" }, system));
            @public.Add(await StartOnce(system.PublicDll, system.Environment(), system));
            @internal.Add(await StartOnce(system.InternalDll, system.Environment(), system));
        }

        var baseline = Stats.Median(empty);
        foreach (var (name, times) in new[] { ("public", @public), ("internal", @internal) })
        {
            var median = Stats.Median(times);
            report.Add(new Row(
                $"start of the {name} host to /health/ready 200 (median of {times.Count})",
                $"{Report.F(median, "0")} ms",
                $"{Report.F(baseline, "0")} ms (empty ASP.NET app)",
                "≤ 1500 ms and ≤ 2.5× baseline",
                median <= 1500 && median <= 2.5 * baseline,
                $"ratio {Report.F(median / baseline, "0.00")}; runs {string.Join(", ", times.Select(t => Report.F(t, "0")))} ms"));
        }
    }

    private static async Task<double> StartOnce(string dll, Dictionary<string, string?> environment, BenchSystem system)
    {
        await using var host = HostProcess.Start(dll, environment, Path.Combine(system.WorkDir, "startup.log"));
        return (await host.WaitReadyAsync(TimeSpan.FromSeconds(60))).TotalMilliseconds;
    }
}
