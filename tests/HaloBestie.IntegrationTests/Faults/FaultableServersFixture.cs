using HaloBestie.IntegrationTests.Infrastructure;

namespace HaloBestie.IntegrationTests.Faults;

/// <summary>
/// Both hosts over a PostgreSQL and a redis-server of their own (started from the machine's
/// binaries by scripts/lib/services.sh on fixed free ports), so a test can stop and restart
/// either one without disturbing the other test classes.
/// </summary>
public sealed class FaultableServersFixture : HostsFixture
{
    private readonly string _dir = Directory.CreateTempSubdirectory("halobestie-faults-").FullName;
    private string _postgresPort = "";
    private string _valkeyPort = "";

    private string PostgresDir => Path.Combine(_dir, "postgres");

    private string ValkeyDir => Path.Combine(_dir, "valkey");

    protected override async Task<TestServers> ServersAsync()
    {
        _postgresPort = await TestServers.Services("free-port");
        var postgres = await TestServers.Services("start-postgres", PostgresDir, _postgresPort, "fast");
        _valkeyPort = await TestServers.Services("free-port");
        var valkey = await TestServers.Services("start-redis", ValkeyDir, _valkeyPort);
        return TestServers.Of(postgres, valkey);
    }

    public Task StopValkeyAsync() => TestServers.Services("stop", ValkeyDir);

    /// <summary>Starts it again on the same port, empty (it keeps nothing on disk).</summary>
    public Task StartValkeyAsync() => TestServers.Services("start-redis", ValkeyDir, _valkeyPort);

    public Task StopPostgresAsync() => TestServers.Services("stop", PostgresDir);

    public Task StartPostgresAsync() => TestServers.Services("start-postgres", PostgresDir, _postgresPort, "fast");

    protected override async Task CleanUpAsync()
    {
        await base.CleanUpAsync();
        await TestServers.Services("purge", PostgresDir);
        await TestServers.Services("purge", ValkeyDir);
        Directory.Delete(_dir, recursive: true);
    }
}
