using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace HaloBestie.Benchmarks.Harness;

/// <summary>
/// Debian's <c>wrk</c> as the load generator (a C program: it costs the machine far less per
/// request than a .NET client would). Each connection cycles through the given bearer tokens.
/// </summary>
public static partial class Wrk
{
    public sealed record Result(double RequestsPerSecond, long Requests, long Non2xx, long SocketErrors, string Output)
    {
        /// <summary>
        /// A figure measures the load it names only when that load was served: any non-2xx answer
        /// or socket error fails the figure loudly, with what one such request answers now
        /// (<paramref name="probe"/>), instead of printing a number about refusals.
        /// </summary>
        public async Task EnsureServedAsync(string figure, Func<Task<string>> probe)
        {
            if (Non2xx == 0 && SocketErrors == 0)
                return;
            throw new InvalidOperationException(
                $"{figure}: {Non2xx} of {Requests} answers were not 2xx and {SocketErrors} socket errors, so the figure would not measure its load. " +
                $"One such request now answers: {await probe()}\n{Output}");
        }
    }

    public static async Task<Result> RunAsync(string url, string method, IReadOnlyList<string> tokens, TimeSpan duration, int connections, int threads, string workDir)
    {
        var tokensFile = Path.Combine(workDir, "wrk-tokens.txt");
        await File.WriteAllLinesAsync(tokensFile, tokens);
        var script = Path.Combine(workDir, "wrk-bearer.lua");
        await File.WriteAllTextAsync(script, $$"""
            local tokens = {}
            for line in io.lines("{{tokensFile}}") do tokens[#tokens + 1] = line end
            local i = math.random(#tokens)
            request = function()
              i = i + 1
              if i > #tokens then i = 1 end
              return wrk.format("{{method}}", nil, { ["Authorization"] = "Bearer " .. tokens[i], ["Content-Length"] = "0" }, nil)
            end
            """);

        Console.WriteLine($"[bench] wrk {method} {new Uri(url).AbsolutePath} for {duration.TotalSeconds:0} s, {connections} connections");
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{Math.Max(1, (int)duration.TotalSeconds)}s", "-s", script, url })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start (apt-get install wrk).");
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"wrk failed: {output}{errors}");

        double rps = double.Parse(RequestsPerSec().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        long requests = long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = Non2xx().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var socketErrors = SocketErrors().Match(output) is { Success: true } s
            ? s.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture))
            : 0;
        return new Result(rps, requests, non2xx, socketErrors, output);
    }

    public static bool Installed()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("wrk", "--version") { RedirectStandardOutput = true, RedirectStandardError = true });
            process!.WaitForExit();
            return true;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSec();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
