using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using Npgsql;

namespace HaloBestie.IntegrationTests.Pairing;

/// <summary>
/// Own schema with nothing else searching: the test holds a lock on the requests' table, which
/// any other request's offer would wait for.
/// </summary>
public class LateOfferTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task GoOnline_when_a_request_is_being_committed_is_offered_that_request()
    {
        // The request reads who is available, then commits. Hold its commit (a lock on the
        // requests' table that lets reads through) while a mitra goes online: the mitra looks for
        // searching requests and cannot see it yet, and the request was not offered to the mitra.
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var (mitra, _, _, _) = await hosts.NewSignedInMitraAsync();
        await using var holder = new NpgsqlConnection(hosts.Servers.Postgres);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"lock table \"{hosts.Schema}\".mt_doc_pairingrequest in exclusive mode", holder, hold))
            await lockTable.ExecuteNonQueryAsync();

        var requesting = client.RequestPairingAsync(new RequestPairing());
        await WaitUntilTheCommitWaitsForTheHeldLockAsync();
        await mitra.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        (await mitra.ListOfferedPairingRequestsAsync()).Should().BeEmpty("the request is not committed yet");
        await hold.CommitAsync();
        var request = await requesting;

        (await mitra.ListOfferedPairingRequestsAsync()).Should().Contain(o => o.Id == request.Id, "the mitra became available before the request was committed");
    }

    /// <summary>
    /// Until a session waits for the lock this test holds: one not granted on this schema's table
    /// (server-wide "someone waits for a lock" would also see other test classes' waits).
    /// </summary>
    private async Task WaitUntilTheCommitWaitsForTheHeldLockAsync()
    {
        await using var watcher = new NpgsqlConnection(hosts.Servers.Postgres);
        await watcher.OpenAsync();
        await Wait.UntilAsync(async () =>
        {
            await using var waiting = new NpgsqlCommand("select count(*) from pg_locks where relation = to_regclass($1) and not granted", watcher);
            waiting.Parameters.Add(new NpgsqlParameter { Value = $"\"{hosts.Schema}\".mt_doc_pairingrequest" });
            return (long)(await waiting.ExecuteScalarAsync())! > 0;
        }, TimeSpan.FromSeconds(10), "the pairing request's commit waits for the table lock");
    }
}
