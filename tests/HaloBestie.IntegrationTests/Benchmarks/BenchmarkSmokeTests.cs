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
        var dll = Path.Combine(Path.GetDirectoryName(typeof(Api.Public.Program).Assembly.Location)!,
            "..", "..", "..", "..", "..", "tests", "HaloBestie.Benchmarks", "bin", Configuration, "net10.0", "HaloBestie.Benchmarks.dll");
        File.Exists(dll).Should().BeTrue($"the benchmark driver is built beside the tests ({dll})");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
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

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
}
