using JasperFx;
using Marten;
using Npgsql;

namespace HaloBestie.Infrastructure.Persistence;

/// <summary>
/// Creates or updates every table, index and function Marten needs, one process at a time: the
/// work runs under a PostgreSQL advisory lock named after the schema, so instances starting
/// together (or several <c>apply-schema</c> runs) wait for each other instead of racing on the
/// same DDL. The lock is session-level on its own connection: PostgreSQL releases it if the
/// process dies while holding it.
/// </summary>
public static class SchemaApplier
{
    public static async Task ApplyAsync(IDocumentStore store, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
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
}
