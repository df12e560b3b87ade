using HaloBestie.Infrastructure.Persistence;
using HaloBestie.Infrastructure.Web;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HaloBestie.IntegrationTests.Persistence;

/// <summary>
/// A connection whose record of prepared statements no longer matches the server's ("prepared
/// statement … does not exist"; with automatic preparation on, Npgsql issues such as 6391 and 6432,
/// ADR 0031 and 0032): the caller gets 503 with Retry-After, never 500, and the pool is replaced so
/// no later caller meets that connection.
/// </summary>
public class PreparedStatementsLostTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Theory]
    [InlineData("Host=db;Database=halobestie", 50, 2)]
    [InlineData("Host=db;Database=halobestie;Max Auto Prepare=0", 0, 2)]
    [InlineData("Host=db;Database=halobestie;MaxAutoPrepare=20;Auto Prepare Min Usages=5", 20, 5)]
    public void Automatic_preparation_is_on_unless_the_connection_string_says_otherwise(string connectionString, int maxAutoPrepare, int minUsages)
    {
        var settings = MartenSetup.DataSourceBuilder(connectionString).ConnectionStringBuilder;
        settings.MaxAutoPrepare.Should().Be(maxAutoPrepare);
        settings.AutoPrepareMinUsages.Should().Be(minUsages);
    }

    [Fact]
    public async Task Statement_lost_by_the_server_answers_503_and_replaces_the_pools_connections()
    {
        var services = hosts.Public.Services;
        var postgres = services.GetRequiredService<NpgsqlDataSource>();

        // The same fault, made on purpose: a statement prepared, then dropped behind Npgsql's back.
        int pid;
        PostgresException lost;
        await using (var connection = await postgres.OpenConnectionAsync())
        {
            pid = connection.ProcessID;
            await using var statement = new NpgsqlCommand("select $1::int + 1", connection) { Parameters = { new() { Value = 1 } } };
            await statement.PrepareAsync();
            (await statement.ExecuteScalarAsync()).Should().Be(2);
            await using (var drop = new NpgsqlCommand("deallocate all", connection))
                await drop.ExecuteNonQueryAsync();
            lost = await Assert.ThrowsAsync<PostgresException>(() => statement.ExecuteScalarAsync());
            lost.SqlState.Should().Be(PostgresErrorCodes.InvalidSqlStatementName);
        } // back to the pool, idle

        await using var scope = services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Response.Body = new MemoryStream();
        var handled = await scope.ServiceProvider.GetServices<IExceptionHandler>().OfType<ProblemExceptionHandler>().Single()
            .TryHandleAsync(context, new InvalidOperationException("a query failed", lost), CancellationToken.None);

        handled.Should().BeTrue();
        context.Response.StatusCode.Should().Be(503);
        context.Response.Headers.RetryAfter.ToString().Should().NotBeEmpty();
        context.Response.Body.Position = 0;
        Problems.Parse(503, await new StreamReader(context.Response.Body).ReadToEndAsync()).Name.Should().Be("service-unavailable");

        // The connection that lost its statement is closed, not handed to the next caller.
        await using var observer = new NpgsqlConnection((await TestServers.Instance).Postgres);
        await observer.OpenAsync();
        await using var alive = new NpgsqlCommand("select count(*) from pg_stat_activity where pid = $1", observer) { Parameters = { new() { Value = pid } } };
        var deadline = DateTime.UtcNow.AddSeconds(5); // the server ends the backend a moment after the client closed it
        while ((long)(await alive.ExecuteScalarAsync())! > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        (await alive.ExecuteScalarAsync()).Should().Be(0L);
        await using var next = await postgres.OpenConnectionAsync();
        next.ProcessID.Should().NotBe(pid);
    }
}
