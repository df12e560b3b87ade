using JasperFx;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HaloBestie.Infrastructure.Persistence;

/// <summary>
/// Development and Test only: creates every table before the host takes requests. Left to first
/// use, two hosts touching a new table at the same moment race on its DDL and one request fails
/// with 500 (seen in CI). The changes are applied under a PostgreSQL advisory lock named after
/// the schema, so hosts starting together wait for each other instead of racing. PostgreSQL being down at start-up is not fatal here: the host
/// starts, readiness says <c>postgres</c> is down, and tables are created on first use once it
/// is back (the readiness tests rely on that).
/// </summary>
internal sealed partial class SchemaOnStartup(IDocumentStore store, NpgsqlDataSource dataSource, ILogger<SchemaOnStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // A session-level lock on its own connection: released on unlock, or by PostgreSQL if
            // this process dies while holding it.
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using (var take = new NpgsqlCommand("select pg_advisory_lock(hashtext('halobestie:apply-schema:' || $1))", connection))
            {
                take.Parameters.AddWithValue(store.Options.DatabaseSchemaName);
                await take.ExecuteNonQueryAsync(cancellationToken);
            }
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);
            await using var release = new NpgsqlCommand("select pg_advisory_unlock_all()", connection);
            await release.ExecuteNonQueryAsync(cancellationToken);
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
