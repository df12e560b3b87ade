using System.Net;
using System.Text.Json;
using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Faults;

/// <summary>
/// Valkey and PostgreSQL stopped and started again under the running hosts (issue 9): every
/// answer during the outage is a success that stuck or a 503 problem with Retry-After, readiness
/// names what is down while it is, and afterwards the hosts recover on their own with every
/// invariant intact.
/// </summary>
public sealed class BackingServiceFaultTests(FaultableServersFixture hosts) : IClassFixture<FaultableServersFixture>
{
    [Fact]
    public async Task Pair_when_valkey_restarts_empty_loses_no_request_and_presence_recovers()
    {
        var (mitra, _, mitraId) = await hosts.NewOnlineMitraAsync();
        var (client, _, _) = await hosts.NewRegisteredClientAsync();

        await hosts.StopValkeyAsync();
        try
        {
            var heartbeat = await AnswerOf(() => mitra.RecordHeartbeatAsync());
            heartbeat.Status.Should().Be(503);
            heartbeat.Problem!.Name.Should().Be("service-unavailable");
            heartbeat.RetryAfter.Should().NotBeNull();
            (await ReadinessAsync()).Should().Be((HttpStatusCode.ServiceUnavailable, "valkey"));
            (await ReadinessDescriptionAsync("valkey")).Should().Be("Valkey does not answer.", "the reason (host, port, server text) is logged, not shown outside Development");
            (await mitra.GetMyMitraProfileAsync()).Online.Should().BeTrue("the mitra's own view is read from PostgreSQL and does not need Valkey");

            // The request commits in PostgreSQL; only the offer's notification cannot go out.
            var requested = await client.RequestPairingAsync(new RequestPairing());
            (await client.GetMyPairingRequestAsync(requested.Id)).Status.Should().Be(PairingStatus.Searching);
        }
        finally
        {
            await hosts.StartValkeyAsync();
        }

        await WaitUntilReadyAsync();
        // The mitra that keeps heartbeating is online again without anyone doing anything…
        await mitra.RecordHeartbeatAsync();
        (await mitra.GetMyMitraProfileAsync()).Online.Should().BeTrue();
        // …sees the request made during the outage, and can take it: exactly one session.
        var offered = await mitra.ListOfferedPairingRequestsAsync();
        var request = offered.Should().ContainSingle().Subject;
        var accepted = await mitra.AcceptPairingRequestAsync(request.Id);
        (await client.GetMyActiveSessionAsync()).Id.Should().Be(accepted.SessionId);
        (await mitra.ListMyActiveSessionsAsync()).Should().ContainSingle(s => s.Id == accepted.SessionId);
        mitraId.Should().NotBeEmpty();
    }

    [Fact]
    public async Task Accept_when_postgresql_restarts_returns_503_then_starts_exactly_one_session()
    {
        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var (other, _, _) = await hosts.NewOnlineMitraAsync();
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var request = await client.RequestPairingAsync(new RequestPairing());

        await hosts.StopPostgresAsync();
        try
        {
            var answers = await Task.WhenAll(
                AnswerOf(() => mitra.AcceptPairingRequestAsync(request.Id)),
                AnswerOf(() => other.AcceptPairingRequestAsync(request.Id)));
            answers.Should().AllSatisfy(a =>
            {
                a.Status.Should().Be(503);
                a.Problem!.Name.Should().Be("service-unavailable");
                a.RetryAfter.Should().NotBeNull();
            });
            (await ReadinessAsync()).Should().Be((HttpStatusCode.ServiceUnavailable, "postgres"));
        }
        finally
        {
            await hosts.StartPostgresAsync();
        }

        await WaitUntilReadyAsync();
        // Nothing stuck from the outage: the request is still searching, and the retries race as usual.
        (await client.GetMyPairingRequestAsync(request.Id)).Status.Should().Be(PairingStatus.Searching);
        var retries = await Task.WhenAll(
            AnswerOf(() => mitra.AcceptPairingRequestAsync(request.Id)),
            AnswerOf(() => other.AcceptPairingRequestAsync(request.Id)));
        retries.Select(a => a.Status).Should().BeEquivalentTo([201, 409]);
        var session = await client.GetMyActiveSessionAsync();
        (await client.GetMyPairingRequestAsync(request.Id)).SessionId.Should().Be(session.Id);
        var winnerSessions = (await mitra.ListMyActiveSessionsAsync()).Count + (await other.ListMyActiveSessionsAsync()).Count;
        winnerSessions.Should().Be(1);
    }

    [Theory]
    [InlineData("read-only")]
    [InlineData("full")]
    public async Task Valkey_when_it_refuses_writes_answers_503_and_a_committed_change_still_succeeds(string fault)
    {
        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(hosts.Servers.Valkey + ",allowAdmin=true");
        var server = admin.GetDatabase();

        // read-only: what a Memorystore failover leaves behind (the old primary now a replica);
        // full: maxmemory reached under noeviction. Both are server errors, not connection errors.
        if (fault == "read-only")
            await server.ExecuteAsync("REPLICAOF", "127.0.0.1", "1");
        else
            await server.ExecuteAsync("CONFIG", "SET", "maxmemory", "1");
        try
        {
            var heartbeat = await AnswerOf(() => mitra.RecordHeartbeatAsync());
            heartbeat.Status.Should().Be(503);
            heartbeat.Problem!.Name.Should().Be("service-unavailable");
            heartbeat.RetryAfter.Should().NotBeNull();

            // The request commits in PostgreSQL before its offers are published: it stands, 201.
            var requested = await client.RequestPairingAsync(new RequestPairing());
            (await client.GetMyPairingRequestAsync(requested.Id)).Status.Should().Be(PairingStatus.Searching);
            await client.CancelPairingRequestAsync(requested.Id); // the class's other tests count what is offered
        }
        finally
        {
            if (fault == "read-only")
                await server.ExecuteAsync("REPLICAOF", "NO", "ONE");
            else
                await server.ExecuteAsync("CONFIG", "SET", "maxmemory", "0");
        }

        await WaitUntilReadyAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await AnswerOf(() => mitra.RecordHeartbeatAsync())).Status != 201)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "writes work again once Valkey takes them");
            await Task.Delay(200);
        }
    }

    private sealed record Answer(int Status, Problem? Problem, string? RetryAfter);

    /// <summary>The status of a generated-client call, with its problem and Retry-After when it failed.</summary>
    private static async Task<Answer> AnswerOf(Func<Task> call)
    {
        try
        {
            await call();
            return new Answer(201, null, null);
        }
        catch (ApiException e)
        {
            var retryAfter = e.Headers.TryGetValue("Retry-After", out var values) ? values.FirstOrDefault() : null;
            // A declared problem arrives deserialized (ApiException<ProblemDetails>): read it like the other tests.
            return new Answer(e.StatusCode, await ProblemOf(() => Task.FromException(e)), retryAfter);
        }
    }

    /// <summary>The public host's readiness, and the first check it reports unhealthy.</summary>
    private async Task<(HttpStatusCode Status, string? Down)> ReadinessAsync()
    {
        using var http = hosts.Public.CreateClient();
        using var ready = await http.GetAsync("/health/ready");
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var down = body.RootElement.GetProperty("checks").EnumerateObject()
            .Where(c => c.Value.GetProperty("status").GetString() != "Healthy")
            .Select(c => c.Name)
            .FirstOrDefault();
        return (ready.StatusCode, down);
    }

    private async Task<string?> ReadinessDescriptionAsync(string check)
    {
        using var http = hosts.Public.CreateClient();
        using var ready = await http.GetAsync("/health/ready");
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("checks").GetProperty(check).GetProperty("description").GetString();
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await ReadinessAsync()).Status != HttpStatusCode.OK)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the hosts reconnect by themselves");
            await Task.Delay(200);
        }
    }
}
