using Marten;
using Marten.Services;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HaloBestie.Infrastructure.Persistence;

/// <summary>
/// What Marten writes to the log: the SQL it ran, never its parameter values. Marten's default
/// logger writes every parameter (phone numbers, names, whole documents) with each statement at
/// Debug, and with every failed statement at Error, which a unique-index race on a phone number
/// makes an everyday entry. Failures are Debug here: the exception reaches the caller, and the
/// exception handler or worker logs it at the level it deserves (docs/operations.md#logs).
/// </summary>
public sealed partial class MartenLogs(ILogger<MartenLogs> logger) : IMartenLogger, IMartenSessionLogger
{
    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql) => LogSchemaChange(logger, sql);

    public void OnBeforeExecute(NpgsqlCommand command)
    {
    }

    public void OnBeforeExecute(NpgsqlBatch batch)
    {
    }

    public void LogSuccess(NpgsqlCommand command) => LogExecuted(logger, command.CommandText);

    public void LogSuccess(NpgsqlBatch batch)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
            return;
        var sql = Sql(batch);
        LogExecuted(logger, sql);
    }

    public void LogFailure(NpgsqlCommand command, Exception ex) => Failed(ex, command.CommandText);

    public void LogFailure(NpgsqlBatch batch, Exception ex)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
            return;
        var sql = Sql(batch);
        Failed(ex, sql);
    }

    public void LogFailure(Exception ex, string message) => Failed(ex, message);

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
            return;
        int inserted = commit.Inserted.Count(), updated = commit.Updated.Count(), deleted = commit.Deleted.Count();
        LogSaved(logger, inserted, updated, deleted);
    }

    private void Failed(Exception ex, string sql)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
            return;
        var type = ex.GetType().Name;
        LogFailed(logger, type, sql);
    }

    private static string Sql(NpgsqlBatch batch)
    {
        var sql = new List<string>(batch.BatchCommands.Count);
        foreach (var command in batch.BatchCommands)
            sql.Add(command.CommandText);
        return string.Join('\n', sql);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Marten changed the schema:\n{Sql}")]
    private static partial void LogSchemaChange(ILogger logger, string sql);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Marten executed:\n{Sql}")]
    private static partial void LogExecuted(ILogger logger, string sql);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Marten statement failed ({ExceptionType}):\n{Sql}")]
    private static partial void LogFailed(ILogger logger, string exceptionType, string sql);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Marten saved changes: {Inserted} inserted, {Updated} updated, {Deleted} deleted")]
    private static partial void LogSaved(ILogger logger, int inserted, int updated, int deleted);
}
