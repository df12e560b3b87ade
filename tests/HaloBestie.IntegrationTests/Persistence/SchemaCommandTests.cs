using System.Diagnostics;
using HaloBestie.Domain.Mitras;
using HaloBestie.Infrastructure.Persistence;
using HaloBestie.IntegrationTests.Infrastructure;
using JasperFx;
using Marten;
using Marten.Patching;
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

    /// <summary>
    /// docs/deployment.md: the schema belongs to the apply-schema job's role; the hosts' role has
    /// only data privileges. The writes the hosts make — appends with their inline projections, a
    /// row lock on a stream, patches, deletes, the push outbox's own SQL — and the event masking of
    /// an erasure all work with that role on an applied schema, and it cannot change the schema.
    /// </summary>
    [Fact]
    public async Task A_role_with_only_data_privileges_can_do_every_kind_of_write_the_hosts_make_but_no_ddl()
    {
        var servers = await TestServers.Instance;
        var schema = "s_" + Guid.NewGuid().ToString("N")[..16];
        var role = "hb_app_" + Guid.NewGuid().ToString("N")[..8];
        await using var owner = new NpgsqlConnection(servers.Postgres);
        await owner.OpenAsync();
        try
        {
            (await RunApplySchema(servers, schema)).Should().Be(0);
            await using (var grant = new NpgsqlCommand(
                $"create role {role} login; " +
                $"grant usage on schema {schema} to {role}; " +
                $"grant select, insert, update, delete on all tables in schema {schema} to {role}; " +
                $"grant usage, select, update on all sequences in schema {schema} to {role}; " +
                $"grant execute on all functions in schema {schema} to {role};", owner))
                await grant.ExecuteNonQueryAsync();
            var restricted = new NpgsqlConnectionStringBuilder(servers.Postgres) { Username = role, Pooling = false }.ConnectionString;

            await using var store = DocumentStore.For(o =>
            {
                o.Connection(restricted);
                MartenSetup.Configure(o, schema, AutoCreate.None);
            });
            var clientId = Guid.CreateVersion7();
            await using (var session = store.LightweightSession())
            {
                session.Events.StartStream<Domain.Clients.Client>(clientId, new Domain.Clients.ClientSignedUp(clientId, "uid-role", "google.com", "a@b.c", null, DateTimeOffset.UtcNow));
                session.Store(new Domain.Devices.Device("install-role", Domain.Devices.DeviceOwners.Client, clientId, "fcm-role", "android", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
                await session.SaveChangesAsync();
            }
            await using (var session = store.LightweightSession())
            {
                await session.BeginTransactionAsync(CancellationToken.None);
                var stream = await session.Events.FetchForExclusiveWriting<Domain.Clients.Client>(clientId);
                stream.AppendOne(new Domain.Clients.ClientErased(clientId, DateTimeOffset.UtcNow));
                session.Store(new Application.DataRights.ErasedAccount("hash-role", DateTimeOffset.UtcNow));
                session.Patch<Domain.Sessions.SessionMessage>(m => m.SessionId == clientId).Set(m => m.Text, "");
                session.DeleteWhere<Domain.Devices.Device>(d => d.OwnerId == clientId);
                Application.Push.PushOutbox.Forget(session, Domain.Devices.DeviceOwners.Client, clientId);
                await session.SaveChangesAsync();
            }
            await store.Advanced.ApplyEventDataMasking(m => m.IncludeStream(clientId));

            await using (var query = store.QuerySession())
            {
                (await query.LoadAsync<Domain.Clients.Client>(clientId))!.IsErased.Should().BeTrue();
                var events = await query.Events.FetchStreamAsync(clientId);
                ((Domain.Clients.ClientSignedUp)events[0].Data).Email.Should().BeNull("the masking rewrote the stored event");
                (await query.Query<Domain.Devices.Device>().CountAsync()).Should().Be(0);
            }
            await using var connection = new NpgsqlConnection(restricted);
            await connection.OpenAsync();
            await using var ddl = new NpgsqlCommand($"create table {schema}.not_allowed (id int)", connection);
            var refused = async () => await ddl.ExecuteNonQueryAsync();
            (await refused.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.InsufficientPrivilege);
        }
        finally
        {
            await using var drop = new NpgsqlCommand($"drop schema if exists {schema} cascade; drop owned by {role}; drop role if exists {role}", owner);
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
