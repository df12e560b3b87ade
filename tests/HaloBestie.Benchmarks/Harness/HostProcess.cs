using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace HaloBestie.Benchmarks.Harness;

/// <summary>
/// One program started as its own process (its executable, or <c>dotnet the.dll</c>), as in production: its output
/// goes to a log file; it is stopped with SIGTERM, as an orchestrator does.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private HostProcess(Process process, StreamWriter log, string baseUrl, long startedAt)
    {
        _process = process;
        _log = log;
        BaseUrl = baseUrl;
        StartedAt = startedAt;
    }

    public string BaseUrl { get; }

    /// <summary>Stopwatch timestamp just before the process was started.</summary>
    public long StartedAt { get; }

    public int Pid => _process.Id;

    public static HostProcess Start(string dll, IReadOnlyDictionary<string, string?> environment, string logFile, params string[] args)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        // A self-contained publish (the hosts' own, ADR 0035) starts as its executable, as in
        // production; a build output or framework-dependent program through the dotnet muxer.
        var folder = Path.GetDirectoryName(dll)!;
        var executable = Path.ChangeExtension(dll, null);
        var selfContained = File.Exists(Path.Combine(folder, "libcoreclr.so")) && File.Exists(executable);
        var start = new ProcessStartInfo(selfContained ? executable : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        if (!selfContained)
            start.ArgumentList.Add(dll);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        start.Environment["Urls"] = baseUrl;

        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var startedAt = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(process, log, baseUrl, startedAt);
    }

    /// <summary>Polls <c>/health/ready</c> every 5 ms; returns the time from process start to the first 200.</summary>
    public async Task<TimeSpan> WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Path.GetFileName(_process.StartInfo.ArgumentList[0])} exited with {_process.ExitCode} before it was ready; see its log.");
            try
            {
                using var response = await http.GetAsync(BaseUrl + "/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                    return Stopwatch.GetElapsedTime(StartedAt);
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // busy starting
            }
            await Task.Delay(5);
        }
        throw new TimeoutException($"{BaseUrl} was not ready within {timeout}.");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>CPU time (user + system) a process has used so far, read from /proc (any process, not only ours).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    /// <summary>Resident set size now and at its peak (VmRSS, VmHWM of /proc/pid/status), in bytes.</summary>
    public (long Current, long Peak) Memory()
    {
        var status = MemoryStatus();
        return (status["VmRSS"], status["VmHWM"]);
    }

    /// <summary>
    /// The resident set now, in MB, split as /proc/pid/status splits it: anonymous (the GC heap,
    /// JIT code, stacks) and file-backed (the mapped program and libraries, which the kernel can
    /// drop and read again).
    /// </summary>
    public string MemorySplit()
    {
        var status = MemoryStatus();
        return $"anonymous {status["RssAnon"] / 1048576.0:0} MB, file-backed {status["RssFile"] / 1048576.0:0} MB";
    }

    private Dictionary<string, long> MemoryStatus() =>
        File.ReadLines($"/proc/{Pid}/status")
            .Where(l => l.StartsWith("Vm", StringComparison.Ordinal) || l.StartsWith("Rss", StringComparison.Ordinal))
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0], p => long.Parse(p[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15); // SIGTERM: the host's graceful shutdown
            try
            {
                await WaitForExitAsync(TimeSpan.FromSeconds(15));
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        await _log.DisposeAsync();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
