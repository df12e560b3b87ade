using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HaloBestie.IntegrationTests.Persistence;

/// <summary>
/// Every message rewrites its session's document (ADR 0033). The rewrite is heap-only (no index
/// entry written) only while no index of the session table reads the <c>data</c> column and its
/// pages keep room: this reads the schema the hosts created, so a computed index added to
/// <c>Session</c> later fails here instead of quietly slowing every message.
/// </summary>
public class HeapOnlyUpdateTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task No_index_of_the_session_table_is_computed_from_its_data_and_its_pages_keep_a_fifth_free()
    {
        var indexes = await IndexesAsync("mt_doc_session");

        indexes.Keys.Should().Contain(["uq_session_active_client", "mt_doc_session_idx_client_id", "mt_doc_session_idx_mitra_id", "mt_doc_session_idx_ends_at"]);
        indexes.Should().OnlyContain(i => !i.Value.Contains("data", StringComparison.Ordinal),
            "an index computed from data changes with every rewrite of the document, so no rewrite could be heap-only");
        (await ScalarAsync("select array_to_string(reloptions, ',') from pg_class where oid = ($1 || '.mt_doc_session')::regclass"))
            .Should().Be("fillfactor=80");
    }

    [Fact]
    public async Task The_message_table_has_only_the_indexes_its_reads_use()
    {
        var indexes = await IndexesAsync("mt_doc_sessionmessage");

        indexes.Keys.Should().BeEquivalentTo(["pkey_mt_doc_sessionmessage_id", "uq_session_message_seq", "mt_doc_sessionmessage_idx_sent_at"]);
        indexes["uq_session_message_seq"].Should().Contain("(session_id, seq)");
    }

    private async Task<Dictionary<string, string>> IndexesAsync(string table)
    {
        await using var command = Source.CreateCommand("select indexname, indexdef from pg_indexes where schemaname = $1 and tablename = $2");
        command.Parameters.AddWithValue(Schema);
        command.Parameters.AddWithValue(table);
        await using var reader = await command.ExecuteReaderAsync();
        var indexes = new Dictionary<string, string>();
        while (await reader.ReadAsync())
            indexes[reader.GetString(0)] = reader.GetString(1);
        return indexes;
    }

    private async Task<string?> ScalarAsync(string sql)
    {
        await using var command = Source.CreateCommand(sql);
        command.Parameters.AddWithValue(Schema);
        return (string?)await command.ExecuteScalarAsync();
    }

    private NpgsqlDataSource Source => hosts.Public.Services.GetRequiredService<NpgsqlDataSource>();

    private string Schema => hosts.Public.Services.GetRequiredService<IDocumentStore>().Options.DatabaseSchemaName;
}
