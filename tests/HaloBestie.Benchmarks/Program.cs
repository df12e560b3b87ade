using HaloBestie.Benchmarks.Figures;
using HaloBestie.Benchmarks.Harness;

namespace HaloBestie.Benchmarks;

/// <summary>
/// Measures every figure of docs/performance.md against the real system and prints the table.
///
///   HaloBestie.Benchmarks [--tiny] [--only startup,heartbeats,pairing,accept,history,dashboard,memory,push,chat] [--size Name=N,...] [--no-publish] [--out FILE]
///   HaloBestie.Benchmarks soak [--minutes 10] [--mitras 20] [--clients 30] [--no-publish]   (scripts/soak; issues 9 and 21)
///
/// Needs ConnectionStrings__Postgres, ConnectionStrings__Valkey and wrk; scripts/bench provides
/// all three. --tiny runs every figure at a toy size (the smoke test): its figures mean nothing.
/// --no-publish runs the Release build outputs instead of publishing (quicker while iterating;
/// start-up is slower without ReadyToRun).
/// </summary>
public static class Program
{
    public static readonly string[] AllFigures = ["startup", "heartbeats", "pairing", "accept", "history", "dashboard", "memory", "push", "chat"];

    public static async Task<int> Main(string[] args)
    {
        if (args.FirstOrDefault() == "soak")
        {
            var minutes = double.Parse(Option(args, "--minutes") ?? "10", System.Globalization.CultureInfo.InvariantCulture);
            var soakDir = Path.Combine(Path.GetTempPath(), "halobestie-soak-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
            var size = new Soak.SoakSize(
                int.Parse(Option(args, "--mitras") ?? "20", System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(Option(args, "--clients") ?? "30", System.Globalization.CultureInfo.InvariantCulture));
            return await Soak.SoakRun.RunAsync(TimeSpan.FromMinutes(minutes), soakDir, publish: !args.Contains("--no-publish"), size);
        }

        var sizes = args.Contains("--tiny") ? Sizes.Tiny : Sizes.Full;
        var resized = Option(args, "--size");
        var runKind = sizes.IsTiny ? "tiny (smoke)" : "full";
        if (resized is not null)
        {
            runKind += $" (sizes changed: {resized})";
            try
            {
                sizes = sizes.With(resized);
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 64;
            }
        }
        var only = Option(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? AllFigures;
        var unknown = only.Except(AllFigures).ToArray();
        if (unknown.Length > 0)
        {
            await Console.Error.WriteLineAsync($"Unknown figure(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", AllFigures)}.");
            return 64;
        }
        if (!Wrk.Installed())
        {
            await Console.Error.WriteLineAsync("wrk is not installed: apt-get install wrk (scripts/bench does).");
            return 69;
        }

        var workDir = Path.Combine(Path.GetTempPath(), "halobestie-bench-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        Console.WriteLine($"[bench] {runKind} run of {string.Join(", ", only)}; {Environment.ProcessorCount} cores; logs in {workDir}");
        var report = await RunAsync(sizes, only, workDir, publish: !sizes.IsTiny && !args.Contains("--no-publish"));

        var table = report.ToMarkdown();
        Console.WriteLine();
        Console.WriteLine(table);
        if (Option(args, "--out") is { } output)
            await File.WriteAllTextAsync(output, table);
        return 0;
    }

    public static async Task<Report> RunAsync(Sizes sizes, IReadOnlyCollection<string> only, string workDir, bool publish)
    {
        var report = new Report();
        await using var system = await BenchSystem.PrepareAsync(workDir, publish);

        // Cold starts first, on a quiet machine.
        if (only.Contains("startup"))
            await StartupTime.RunAsync(system, sizes, report);

        await system.StartHostsAsync();
        // The chat figure makes mitras of its own.
        var mitras = only.Any(f => f is "heartbeats" or "pairing" or "accept" or "history" or "memory")
            ? await system.OnlineMitrasAsync(Math.Max(Math.Max(sizes.HeartbeatMitras, sizes.PairingStreams), Math.Max(sizes.AcceptCallers, 2)))
            : [];

        if (only.Contains("heartbeats"))
            await HeartbeatThroughput.RunAsync(system, mitras, sizes, report);

        if (only.Contains("pairing") || only.Contains("accept"))
        {
            // One stream per mitra: every request is offered to all of them.
            await using var streams = await EventStreams.OpenAsync(system.Public!.BaseUrl, mitras.Select(m => m.Token), TimeSpan.FromSeconds(60));
            if (only.Contains("pairing"))
                await PairingLatency.RunAsync(system, streams, mitras, sizes, report);
            if (only.Contains("accept"))
                await AcceptRace.RunAsync(system, streams, mitras, sizes, report);
        }

        if (only.Contains("history"))
            await HistoryReplay.RunAsync(system, mitras, sizes, report);

        if (only.Contains("dashboard"))
            await DashboardCompute.RunAsync(system, sizes, report);

        if (only.Contains("memory"))
            await MemoryUnderLoad.RunAsync(system, mitras, sizes, report);

        if (only.Contains("push"))
            await PushDrain.RunAsync(system, mitras, sizes, report);

        // Last: it changes the settings (capacity per mitra, heartbeat timeout) and fills mitras' capacity.
        if (only.Contains("chat"))
            await ChatLatency.RunAsync(system, mitras, sizes, report);

        if (System.Environment.GetEnvironmentVariable("BENCH_PG_STATEMENTS") == "1")
            await PrintStatementsAsync(system);

        return report;
    }

    /// <summary>
    /// BENCH_PG_STATEMENTS=1 (with HALOBESTIE_POSTGRES_OPTIONS="-c shared_preload_libraries=pg_stat_statements"):
    /// prints, after the figures, PostgreSQL's 30 statements of most total time (planning included with
    /// <c>-c pg_stat_statements.track_planning=on</c>), for finding where a figure's time goes.
    /// </summary>
    private static async Task PrintStatementsAsync(BenchSystem system)
    {
        await using var connection = new Npgsql.NpgsqlConnection(system.Postgres);
        await connection.OpenAsync();
        await using (var create = new Npgsql.NpgsqlCommand("create extension if not exists pg_stat_statements", connection))
            await create.ExecuteNonQueryAsync();
        await using var top = new Npgsql.NpgsqlCommand(
            "select calls, round(mean_exec_time::numeric, 3), round(total_exec_time::numeric, 1), round(total_plan_time::numeric, 1), left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 160) from pg_stat_statements order by total_exec_time + total_plan_time desc limit 30", connection);
        await using var reader = await top.ExecuteReaderAsync();
        Console.WriteLine("[bench] pg_stat_statements: calls | mean ms | total ms | planning ms | statement");
        while (await reader.ReadAsync())
            Console.WriteLine($"[bench]   {reader.GetInt64(0)} | {reader.GetDecimal(1)} | {reader.GetDecimal(2)} | {reader.GetDecimal(3)} | {reader.GetString(4)}");
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
