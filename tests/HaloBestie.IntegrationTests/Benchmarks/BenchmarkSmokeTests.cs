using System.Diagnostics;
using HaloBestie.IntegrationTests.Infrastructure;

namespace HaloBestie.IntegrationTests.Benchmarks;

/// <summary>
/// Keeps tests/HaloBestie.Benchmarks compiling and running: the whole driver at toy sizes
/// (<c>--tiny</c>) against the test servers. Its figures mean nothing and are not checked —
/// only that every figure ran and printed its row. Needs wrk (.ci/run installs it).
/// </summary>
public class BenchmarkSmokeTests
{
    [Fact]
    public async Task Bench_when_run_at_a_tiny_size_prints_every_figure()
    {
        var servers = await TestServers.Instance;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(DriverDll());
        start.ArgumentList.Add("--tiny");
        start.Environment["ConnectionStrings__Postgres"] = servers.Postgres;
        start.Environment["ConnectionStrings__Valkey"] = servers.Valkey;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);

        var printed = await output + await errors;
        process.ExitCode.Should().Be(0, printed);
        foreach (var row in new[] { "start of the public host", "start of the internal host", "heartbeats/s", "request → pairing.offered", "accept race", "GET /api/internal/sessions/{id}/history", "resident memory", "send → message.created", "sustained messages/s", "GET …/messages, a page of 50", "resident memory of the public host during the chat figure" })
            printed.Should().Contain("| " + row, "every figure prints its row");
        printed.Should().Contain("winners per round: 1 1", "the accept race has exactly one winner per round");
    }

    [Fact]
    public async Task Bench_driver_stops_when_sent_SIGTERM_even_with_its_fakes_running()
    {
        // scripts/lib/driver.sh stops the driver with TERM (and Ctrl-C sends INT). A web app inside
        // the driver (the key server, the fake FCM) with the default console lifetime took those
        // signals for itself: it stopped that one app and cancelled the process's termination,
        // so the driver went on measuring until the script killed it.
        var servers = await TestServers.Instance;
        // setsid: the driver and whatever it starts (the hosts) in a group of their own, removed at the end.
        var start = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "dotnet", DriverDll(), "--tiny", "--only", "chat" })
            start.ArgumentList.Add(argument);
        start.Environment["ConnectionStrings__Postgres"] = servers.Postgres;
        start.Environment["ConnectionStrings__Valkey"] = servers.Valkey;
        start.Environment["BENCH_CHAT_IDLE_SECONDS"] = "600"; // holds the driver with the hosts and fakes running
        using var driver = Process.Start(start)!;
        var errors = driver.StandardError.ReadToEndAsync();
        try
        {
            using (var waiting = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
            {
                string? line;
                while ((line = await driver.StandardOutput.ReadLineAsync(waiting.Token)) is not null && !line.Contains("chat: idle for", StringComparison.Ordinal))
                {
                }
                line.Should().NotBeNull("the driver reaches the chat figure's quiet spell; stderr: " + (driver.HasExited ? await errors : ""));
            }
            var output = driver.StandardOutput.ReadToEndAsync();

            await SignalAsync("-TERM", driver.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await driver.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Checked below.
            }
            driver.HasExited.Should().BeTrue("the driver ends on SIGTERM instead of going on with the figure");
            (await output).Should().NotContain("| send → message.created", "it stopped before measuring");
        }
        finally
        {
            // The hosts it started (and the driver, if it is still running): driver.sh does the same with the group.
            await SignalAsync("-KILL", "--", "-" + driver.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static string DriverDll()
    {
        var dll = Path.Combine(Path.GetDirectoryName(typeof(Api.Public.Program).Assembly.Location)!,
            "..", "..", "..", "..", "..", "tests", "HaloBestie.Benchmarks", "bin", Configuration, "net10.0", "HaloBestie.Benchmarks.dll");
        File.Exists(dll).Should().BeTrue($"the benchmark driver is built beside the tests ({dll})");
        return dll;
    }

    private static async Task SignalAsync(params string[] arguments)
    {
        var kill = new ProcessStartInfo("kill") { RedirectStandardError = true };
        foreach (var argument in arguments)
            kill.ArgumentList.Add(argument);
        using var process = Process.Start(kill)!;
        await process.WaitForExitAsync();
    }

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
}
