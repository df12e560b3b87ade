using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using Npgsql;
using StackExchange.Redis;
using SetMitraStatus = HaloBestie.Clients.Public.SetMitraStatus;

namespace HaloBestie.IntegrationTests.Presence;

/// <summary>
/// "Heartbeats write only to Valkey — never to PostgreSQL". Own schema, default settings (a 90 s
/// timeout, so nobody times out), no pairing or session: nothing else writes in the schema while
/// the heartbeats arrive, so any row inserted, updated or deleted there would be theirs.
/// </summary>
public class HeartbeatStorageTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private const int Mitras = 20;
    private const int Rounds = 10;

    /// <summary>
    /// Per table of the schema: its row count, its newest <c>mt_last_modified</c> where it has one,
    /// and a fingerprint of every row version (ctid, xmin): an insert, update or delete changes it.
    /// </summary>
    private async Task<SortedDictionary<string, string>> SnapshotAsync()
    {
        await using var connection = new NpgsqlConnection(hosts.Servers.Postgres);
        await connection.OpenAsync();
        var tables = new List<(string Name, bool HasLastModified)>();
        await using (var list = new NpgsqlCommand(
            """
            select t.table_name,
                   exists (select 1 from information_schema.columns c
                           where c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'mt_last_modified')
            from information_schema.tables t
            where t.table_schema = @schema and t.table_type = 'BASE TABLE'
            """, connection))
        {
            list.Parameters.AddWithValue("schema", hosts.Schema);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                tables.Add((reader.GetString(0), reader.GetBoolean(1)));
        }

        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, hasLastModified) in tables)
        {
            var lastModified = hasLastModified ? "max(mt_last_modified)::text" : "''";
            await using var read = new NpgsqlCommand(
                $"""
                select count(*), coalesce({lastModified}, ''),
                       coalesce(md5(string_agg(ctid::text || ':' || xmin::text, ',' order by ctid)), '')
                from "{hosts.Schema}"."{name}"
                """, connection);
            await using var reader = await read.ExecuteReaderAsync();
            await reader.ReadAsync();
            snapshot[name] = $"rows={reader.GetInt64(0)} lastModified={reader.GetString(1)} versions={reader.GetString(2)}";
        }
        return snapshot;
    }

    [Fact]
    public async Task Heartbeat_when_two_hundred_go_through_two_hosts_writes_no_row_in_postgresql()
    {
        var second = hosts.AnotherPublicHost(); // started: its identity cache knows nobody yet
        var admin = await hosts.AdminAsync();
        var apps = new List<PublicApiClient>();
        for (var i = 0; i < Mitras; i++)
        {
            var (app, token, _, _) = await hosts.NewSignedInMitraAsync(admin);
            await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
            apps.Add(i % 2 == 0 ? app : HostsFixture.PublicOn(second, token));
        }

        var before = await SnapshotAsync();
        before.Should().ContainKeys("mt_events", "mt_doc_mitra");
        for (var round = 0; round < Rounds; round++)
        {
            if (round == Rounds / 2)
            {
                // Valkey loses the online set (a restart): the next heartbeats put the mitras
                // back from what PostgreSQL says, reading it, writing nothing.
                await using var valkey = await ConnectionMultiplexer.ConnectAsync(hosts.Servers.Valkey);
                (await valkey.GetDatabase().KeyDeleteAsync(hosts.KeyPrefix + "presence:online")).Should().BeTrue();
            }
            await Task.WhenAll(apps.Select(a => a.RecordHeartbeatAsync()));
        }
        var after = await SnapshotAsync();

        after["mt_events"].Should().Be(before["mt_events"], "a heartbeat appends no event");
        after["mt_doc_mitra"].Should().Be(before["mt_doc_mitra"], "a heartbeat changes no mitra document");
        after.Should().Equal(before, "no table of the schema changed while only heartbeats arrived");
        (await Task.WhenAll(apps.Select(a => a.GetMyMitraProfileAsync()))).Should().OnlyContain(m => m.Online);

        // The snapshot does see a write: one mitra going offline changes the events and its document.
        await apps[0].SetMitraStatusAsync(new SetMitraStatus { Online = false });
        var afterOffline = await SnapshotAsync();
        afterOffline["mt_events"].Should().NotBe(after["mt_events"]);
        afterOffline["mt_doc_mitra"].Should().NotBe(after["mt_doc_mitra"]);
    }
}
