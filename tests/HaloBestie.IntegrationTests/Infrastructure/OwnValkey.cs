using StackExchange.Redis;

namespace HaloBestie.IntegrationTests.Infrastructure;

/// <summary>
/// A redis-server of the test's own, on a free port in a temporary folder, that nothing else uses:
/// its command counts and slow log are the test's alone. Disposing it stops the server and deletes
/// the folder.
/// </summary>
public sealed class OwnValkey : IAsyncDisposable
{
    private readonly string _dir;

    private OwnValkey(string dir, ConnectionMultiplexer multiplexer)
    {
        _dir = dir;
        Multiplexer = multiplexer;
        Server = multiplexer.GetServers().Single();
    }

    public ConnectionMultiplexer Multiplexer { get; }

    /// <summary>The server, for admin commands (INFO, SLOWLOG, CONFIG).</summary>
    public IServer Server { get; }

    public static async Task<OwnValkey> StartAsync(string name)
    {
        var dir = Directory.CreateTempSubdirectory($"halobestie-{name}-").FullName;
        var connection = await TestServers.Services("start-redis", Path.Combine(dir, "valkey"), await TestServers.Services("free-port"));
        return new OwnValkey(dir, await ConnectionMultiplexer.ConnectAsync(connection + ",allowAdmin=true"));
    }

    public async ValueTask DisposeAsync()
    {
        await Multiplexer.DisposeAsync();
        await TestServers.Services("purge", Path.Combine(_dir, "valkey"));
        Directory.Delete(_dir, recursive: true);
    }
}
