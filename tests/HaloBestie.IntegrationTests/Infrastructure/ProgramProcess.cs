using System.Diagnostics;
using System.Text.RegularExpressions;

namespace HaloBestie.IntegrationTests.Infrastructure;

/// <summary>
/// A built host program run as its own process (<c>dotnet the.dll</c>), listening on a port the
/// kernel gave it (<c>http://127.0.0.1:0</c>), whose address is read from the host's own
/// "Now listening on" line. (Picking a free port first and handing it over leaves a moment in
/// which anything else on the machine may take it.)
/// </summary>
public sealed partial class ProgramProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private ProgramProcess(Process process) => _process = process;

    /// <summary>The last lines the program wrote (for failure messages).</summary>
    public string Tail
    {
        get
        {
            lock (_output)
                return string.Join('\n', _output.TakeLast(30));
        }
    }

    public static ProgramProcess Start(Type program, IReadOnlyDictionary<string, string> environment)
    {
        var dll = program.Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add(dll);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        start.Environment["Urls"] = "http://127.0.0.1:0";
        // The address is only known from this line, whatever the default level.
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        var running = new ProgramProcess(Process.Start(start)!);
        running._process.OutputDataReceived += (_, e) => running.Read(e.Data);
        running._process.ErrorDataReceived += (_, e) => running.Read(e.Data);
        running._process.BeginOutputReadLine();
        running._process.BeginErrorReadLine();
        return running;
    }

    /// <summary>Waits for the program to listen and then to answer <c>/health/ready</c> with 200; returns its base address.</summary>
    public async Task<Uri> WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        Uri address;
        try
        {
            address = await _listening.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The program did not say where it listens within {timeout}; it wrote:\n{Tail}");
        }
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The program exited with {_process.ExitCode}; it wrote:\n{Tail}");
            try
            {
                using var ready = await http.GetAsync("/health/ready");
                if (ready.IsSuccessStatusCode)
                    return address;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // starting
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{address} was not ready within {timeout}; it wrote:\n{Tail}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// SIGKILL: no shutdown, no flushing. The program itself only (it starts no other process):
    /// walking a process tree first takes long enough for every call in flight to be answered.
    /// </summary>
    public void Kill() => _process.Kill();

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void Read(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.Add(line);
        if (ListeningOn().Match(line) is { Success: true } match)
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    // The plain and the JSON console both write the message as is.
    [GeneratedRegex(@"Now listening on: (http://[^\s""\\]+)")]
    private static partial Regex ListeningOn();
}
