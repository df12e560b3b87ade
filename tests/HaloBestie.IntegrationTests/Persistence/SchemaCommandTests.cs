using System.Diagnostics;
using HaloBestie.Domain.Mitras;
using HaloBestie.Infrastructure.Persistence;
using HaloBestie.IntegrationTests.Infrastructure;
using JasperFx;
using Marten;
using Npgsql;

namespace HaloBestie.IntegrationTests.Persistence;

/// <summary>
/// Production never creates tables on its own; <c>apply-schema</c> does, idempotently. Run here
/// as the real published command line of the internal host.
/// </summary>
public class SchemaCommandTests
{
    [Fact]
    public async Task ApplySchema_when_three_instances_run_it_at_once_creates_every_table_production_needs()
    {
        var servers = await TestServers.Instance;
        var schema = "s_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            // Three instances deploying at once take turns; then a fourth finds nothing to change.
            (await Task.WhenAll(RunApplySchema(servers, schema), RunApplySchema(servers, schema), RunApplySchema(servers, schema)))
                .Should().AllBeEquivalentTo(0);
            (await RunApplySchema(servers, schema)).Should().Be(0, "a later run finds nothing to change");

            // A store that may not create anything (as in Production) works on the applied schema.
            await using var store = DocumentStore.For(o =>
            {
                o.Connection(servers.Postgres);
                MartenSetup.Configure(o, schema, AutoCreate.None);
            });
            await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
            await using var session = store.LightweightSession();
            var id = Guid.CreateVersion7();
            session.Events.StartStream<Mitra>(id, new MitraRegistered(id, "A", "+6281200000001", "B", null, [], Guid.Empty, DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
            (await session.LoadAsync<Mitra>(id)).Should().NotBeNull();
        }
        finally
        {
            await using var connection = new NpgsqlConnection(servers.Postgres);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop schema if exists {schema} cascade", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task<int> RunApplySchema(TestServers servers, string schema)
    {
        var dll = typeof(Api.Internal.Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(SchemaCommand.Verb);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__Postgres"] = servers.Postgres;
        start.Environment["ConnectionStrings__Valkey"] = servers.Valkey;
        start.Environment["Marten__Schema"] = schema;
        start.Environment["ControlCenter__TokenSigningKey"] = new string('p', 48);
        start.Environment.Remove("FIREBASE_AUTH_EMULATOR_HOST");
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.Should().Be(0, $"apply-schema failed: {output}{errors}");
        output.Should().Contain("Schema applied.");
        return process.ExitCode;
    }
}
