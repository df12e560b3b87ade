using HaloBestie.Application.Common;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HaloBestie.IntegrationTests.Persistence;

/// <summary>
/// What happens when PostgreSQL refuses a commit (ADR 0032). The write is decided again, in a new
/// transaction that takes its locks again — Marten does not replay the commit's statements alone —
/// and the driver never runs a statement under another statement's prepared name when a command
/// moves to another connection (Npgsql issue 6432, fixed in Npgsql 10.0.2; with Npgsql 9.0.4 and
/// automatic preparation on, an accept replayed after a deadlock ran as a schema query's
/// statement).
/// </summary>
public class CommitFailureTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Deadlock_in_a_commit_decides_the_losing_write_again_in_a_new_transaction()
    {
        // Each write takes one advisory lock while it decides and asks for the other's in its
        // commit: one commit must be refused (40P01), and only deciding again can get past it.
        var decisions = await CrossedWritesAsync((session, second) =>
        {
            session.QueueSqlCommand("select pg_advisory_xact_lock(?)", second);
            return Task.CompletedTask;
        });

        decisions.Should().Be(3, "the write PostgreSQL chose as the deadlock's victim decided again; the other committed once");
    }

    [Fact]
    public async Task Deadlock_while_taking_a_lock_before_the_commit_decides_the_losing_write_again()
    {
        // As FetchForExclusiveWriting does while a write loads: each waits for the other's lock
        // before it has appended anything. The victim's 40P01 comes out of the loading, not out of
        // SaveChanges; until 2026-12-05 it reached the caller as 409 instead (an erasure racing a
        // staff end).
        var decisions = await CrossedWritesAsync(TakeAsync);

        decisions.Should().Be(3, "the write PostgreSQL chose as the deadlock's victim decided again; the other committed once");
    }

    /// <summary>
    /// Two writes through <see cref="StreamWrites"/>, each holding one advisory lock and then asking
    /// for the other's with <paramref name="takeSecond"/> (their first attempts meet at a barrier in
    /// between). Returns how many attempts decided in all.
    /// </summary>
    private async Task<int> CrossedWritesAsync(Func<IDocumentSession, long, Task> takeSecond)
    {
        var writes = hosts.Public.Services.GetRequiredService<StreamWrites>();
        var key = Random.Shared.NextInt64(1, long.MaxValue / 2);
        using var bothHoldTheirFirstLock = new Barrier(2);
        var decisions = 0;

        Task Write(long first, long second) => writes.RunAsync("CommitFailureTest", async session =>
        {
            var attempt = Interlocked.Increment(ref decisions);
            await session.BeginTransactionAsync(CancellationToken.None);
            await TakeAsync(session, first);
            if (attempt <= 2)
                await Task.Run(() => bothHoldTheirFirstLock.SignalAndWait(TimeSpan.FromSeconds(30)));
            await takeSecond(session, second);
        }, CancellationToken.None);

        await Task.WhenAll(Write(key, key + 1), Write(key + 1, key));
        return decisions;
    }

    private static async Task TakeAsync(IDocumentSession session, long key)
    {
        await using var take = new NpgsqlCommand("select pg_advisory_xact_lock($1)", (NpgsqlConnection)session.Connection!) { Parameters = { new() { Value = key } } };
        await take.ExecuteNonQueryAsync();
    }

    [Fact]
    public void Deadlock_and_serialization_failure_are_write_conflicts()
    {
        WriteConflicts.IsConflict(new InvalidOperationException("commit failed", new PostgresException("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected)))
            .Should().BeTrue();
        WriteConflicts.IsConflict(new PostgresException("could not serialize access", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure))
            .Should().BeTrue();
        WriteConflicts.IsConflict(new PostgresException("lock timeout", "ERROR", "ERROR", PostgresErrorCodes.LockNotAvailable))
            .Should().BeFalse("a lock not obtained in time is not another write having committed");
    }

    [Theory]
    [InlineData(PostgresErrorCodes.DeadlockDetected, 409)]
    [InlineData(PostgresErrorCodes.SerializationFailure, 409)]
    [InlineData(PostgresErrorCodes.TooManyConnections, 503)]
    [InlineData(PostgresErrorCodes.OutOfMemory, 503)]
    [InlineData(PostgresErrorCodes.DiskFull, 503)]
    [InlineData(PostgresErrorCodes.IoError, 503)]
    [InlineData(PostgresErrorCodes.LockNotAvailable, 503)]
    [InlineData(PostgresErrorCodes.CannotConnectNow, 503)]
    public void Commit_refused_without_being_replayed_answers_conflict_or_unavailable_never_500(string sqlState, int status)
    {
        var refused = new InvalidOperationException("commit failed", new PostgresException("refused", "ERROR", "ERROR", sqlState));

        HaloBestie.Infrastructure.Web.ProblemExceptionHandler.ToProblem(refused).Status.Should().Be(status);
    }

    [Fact]
    public async Task Automatically_prepared_batch_moved_to_another_connection_runs_its_own_statements()
    {
        var builder = new NpgsqlConnectionStringBuilder((await TestServers.Instance).Postgres) { MaxAutoPrepare = 10, AutoPrepareMinUsages = 2 };
        await using var source = NpgsqlDataSource.Create(builder.ConnectionString);

        // On one connection a statement is prepared first, so the batch's statement gets the
        // second name; on the next connection that name belongs to nothing (or to another statement).
        await using var batch = new NpgsqlBatch { BatchCommands = { new("select $1::int + 1") { Parameters = { new() { Value = 1 } } } } };
        await using (var first = await source.OpenConnectionAsync())
        {
            await using var other = new NpgsqlCommand("select 'other'", first);
            for (var i = 0; i < 2; i++)
                await other.ExecuteScalarAsync();
            batch.Connection = first;
            for (var i = 0; i < 2; i++)
                (await batch.ExecuteScalarAsync()).Should().Be(2);
        }
        source.Clear();

        await using var second = await source.OpenConnectionAsync();
        batch.Connection = second;
        (await batch.ExecuteScalarAsync()).Should().Be(2, "the batch is prepared again on the connection it now runs on");
    }
}
