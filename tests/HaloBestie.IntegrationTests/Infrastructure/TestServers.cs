using System.Diagnostics;
using Testcontainers.PostgreSql;
using Testcontainers.Redis;

namespace HaloBestie.IntegrationTests.Infrastructure;

/// <summary>
/// The real PostgreSQL and Valkey every integration test runs against, one pair per test run
/// (ADR 0013): from <c>ConnectionStrings__Postgres</c>/<c>ConnectionStrings__Valkey</c> when set
/// (scripts/test sets them), else Testcontainers when a Docker engine answers, else servers
/// started here from the machine's own binaries through scripts/lib/services.sh.
/// </summary>
public sealed class TestServers
{
    private static readonly Lazy<Task<TestServers>> Shared = new(StartAsync);

    /// <summary>Servers given by connection strings (a fault test's own servers, say).</summary>
    public static TestServers Of(string postgres, string valkey) => new(postgres, valkey);

    private TestServers(string postgres, string valkey)
    {
        Postgres = postgres;
        Valkey = valkey;
    }

    public string Postgres { get; }

    public string Valkey { get; }

    public static Task<TestServers> Instance => Shared.Value;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static async Task<TestServers> StartAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("ConnectionStrings__Postgres");
        var valkey = Environment.GetEnvironmentVariable("ConnectionStrings__Valkey");
        if (!string.IsNullOrWhiteSpace(postgres) && !string.IsNullOrWhiteSpace(valkey))
            return new TestServers(postgres, valkey);

        return DockerAnswers() ? await StartContainersAsync() : await StartLocalBinariesAsync();
    }

    private static bool DockerAnswers() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");

    private static async Task<TestServers> StartContainersAsync()
    {
        var postgres = new PostgreSqlBuilder("postgres:15-alpine").Build();
        var redis = new RedisBuilder("valkey/valkey:8-alpine").Build();
        await Task.WhenAll(postgres.StartAsync(), redis.StartAsync());
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            postgres.DisposeAsync().AsTask().GetAwaiter().GetResult();
            redis.DisposeAsync().AsTask().GetAwaiter().GetResult();
        };
        return new TestServers(postgres.GetConnectionString(), redis.GetConnectionString());
    }

    private static async Task<TestServers> StartLocalBinariesAsync()
    {
        var dir = Directory.CreateTempSubdirectory("halobestie-tests-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Services("purge", dir).GetAwaiter().GetResult();
        };
        var postgres = await Services("start-postgres", Path.Combine(dir, "postgres"), "", "fast");
        var valkey = await Services("start-redis", Path.Combine(dir, "valkey"));
        return new TestServers(postgres, valkey);
    }

    /// <summary>Runs scripts/lib/services.sh with the arguments; returns what it printed.</summary>
    public static async Task<string> Services(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot, "scripts", "lib", "services.sh"));
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"scripts/lib/services.sh {string.Join(' ', args)} failed: {await errors}");
        return (await output).Trim().Split('\n').LastOrDefault()?.Trim() ?? "";
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HaloBestie.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("HaloBestie.sln not found above " + AppContext.BaseDirectory);
    }
}
