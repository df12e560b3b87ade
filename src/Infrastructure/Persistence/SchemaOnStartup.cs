using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HaloBestie.Infrastructure.Persistence;

/// <summary>
/// Development and Test only: creates every table before the host takes requests. Left to first
/// use, two hosts touching a new table at the same moment race on its DDL and one request fails
/// with 500 (seen in CI); <see cref="SchemaApplier"/> makes hosts starting together take turns.
/// PostgreSQL being down at start-up is not fatal here: the host starts, readiness says
/// <c>postgres</c> is down, and tables are created on first use once it is back (the readiness
/// tests rely on that).
/// </summary>
internal sealed partial class SchemaOnStartup(IDocumentStore store, NpgsqlDataSource dataSource, ILogger<SchemaOnStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SchemaApplier.ApplyAsync(store, dataSource, cancellationToken);
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            LogPostgresDown(logger, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL did not answer at start-up ({Reason}); tables will be created on first use once it does")]
    private static partial void LogPostgresDown(ILogger logger, string reason);
}
