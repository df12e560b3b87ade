using System.Text.Json;
using HaloBestie.Clients.Public;
using HaloBestie.Domain.Pairing;
using PairingTimers = HaloBestie.Application.Pairing.PairingTimers;
using HaloBestie.Application.Common;
using HaloBestie.Infrastructure.Valkey;
using HaloBestie.Infrastructure.Workers;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using SetMitraStatus = HaloBestie.Clients.Public.SetMitraStatus;
using StackExchange.Redis;

namespace HaloBestie.IntegrationTests.Pairing;

/// <summary>Durable expiry on a fake clock: the deadline is stored, any public instance acts on it, once.</summary>
public class PairingExpiryTests(FakeClockHostsFixture hosts) : IClassFixture<FakeClockHostsFixture>
{
    private async Task<int> ExpiredEventsAsync(Guid requestId)
    {
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(requestId)).Count(e => e.Data is PairingExpired);
    }

    /// <summary>Runs one expiry pass on each host now, as its timer loop would; returns how many each expired.</summary>
    private static async Task<int[]> ExpiryPassesAsync(params WebApplicationFactory<Api.Public.Program>[] instances)
    {
        var expired = new List<int>();
        foreach (var host in instances)
        {
            using var scope = host.Services.CreateScope();
            expired.Add(await scope.ServiceProvider.GetRequiredService<PairingTimers>().ExpireDueAsync(CancellationToken.None));
        }
        return [.. expired];
    }

    /// <summary>Long enough for every instance's own timer loop (every second) to run twice more.</summary>
    private static readonly TimeSpan TwoTimerRounds = DurableTimersWorker.Interval * 2.5;

    [Fact]
    public async Task Expire_when_nobody_accepts_closes_the_request_once_on_time_and_tells_both_sides()
    {
        // A second instance, started, runs the same timer on the same (fake) clock: "once" is
        // then decided between two timers that both see the deadline pass.
        var second = hosts.AnotherPublicHost();
        var (secondTimers, secondClock) = HostsFixture.TimersOf(second);
        secondClock.Should().BeSameAs(hosts.Clock);
        secondTimers.ExecuteTask.Should().NotBeNull();
        secondTimers.ExecuteTask!.IsCompleted.Should().BeFalse("the second instance's timer loop runs");
        var (mitra, mitraToken, _, _) = await hosts.NewSignedInMitraAsync();
        await mitra.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        var (client, clientToken, _) = await hosts.NewRegisteredClientAsync();
        await using var mitraStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", mitraToken);
        await using var clientStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/client/events", clientToken);
        var created = await client.RequestPairingAsync(new RequestPairing());
        (await mitraStream.NextAsync())!.Type.Should().Be("pairing.offered");
        created.ExpiresAt.Should().Be(hosts.Clock!.GetUtcNow().AddSeconds(60));

        hosts.Clock.Advance(TimeSpan.FromSeconds(59));
        // A second early: a pass of each instance's timers, run now, finds nothing due.
        (await ExpiryPassesAsync(hosts.Public, second)).Should().Equal(0, 0);
        (await client.GetMyPairingRequestAsync(created.Id)).Status.Should().Be(HaloBestie.Clients.Public.PairingStatus.Searching);

        hosts.Clock.Advance(TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(async () => (await client.GetMyPairingRequestAsync(created.Id)).Status == HaloBestie.Clients.Public.PairingStatus.Expired,
            TimeSpan.FromSeconds(5), "the request expires at its deadline");
        // Once: nothing is left due for either instance, and the count stays at one while both
        // loops run again.
        (await ExpiryPassesAsync(hosts.Public, second)).Should().Equal(0, 0);
        await Wait.StaysAsync(async () => await ExpiredEventsAsync(created.Id) == 1, TwoTimerRounds, "the request has exactly one expiry");
        secondTimers.ExecuteTask.IsCompleted.Should().BeFalse();
        (await client.GetMyPairingRequestAsync(created.Id)).ClosedReason.Should().Be(PairingRequestViewClosedReason.Timeout);
        (await clientStream.NextAsync())!.Type.Should().Be("pairing.expired");
        var closed = await mitraStream.NextAsync();
        closed!.Type.Should().Be("pairing.closed");
        closed.Data.Should().Contain("expired");
    }

    [Fact]
    public async Task Expire_when_forty_are_due_at_once_on_three_instances_closes_each_exactly_once()
    {
        // Three instances whose timers all see forty deadlines pass at the same instant, and on
        // top of their own loops each is made to run its expiry pass at the same moment: the
        // passes overlap on the same requests, and the stream's version lets one write each.
        var instances = new[] { hosts.Public, hosts.AnotherPublicHost(), hosts.AnotherPublicHost() };
        var requests = new List<(PublicApiClient Client, Guid Id)>();
        var watched = new List<EventStreamReader>();
        for (var i = 0; i < 40; i++)
        {
            var (client, token, _) = await hosts.NewRegisteredClientAsync();
            if (i < 10)
                watched.Add(await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/client/events", token));
            requests.Add((client, (await client.RequestPairingAsync(new RequestPairing())).Id));
        }

        hosts.Clock!.Advance(TimeSpan.FromSeconds(61));
        using var observed = Observed.Start();
        var byPass = await Race.AtOnceAsync(instances.Length, async i =>
        {
            using var scope = instances[i].Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<PairingTimers>().ExpireDueAsync(CancellationToken.None);
        });

        foreach (var (client, id) in requests)
            await Wait.UntilAsync(async () => (await client.GetMyPairingRequestAsync(id)).Status == HaloBestie.Clients.Public.PairingStatus.Expired,
                TimeSpan.FromSeconds(5), $"request {id} expires");
        (await ExpiryPassesAsync(instances)).Should().Equal([0, 0, 0], "nothing is left due anywhere");
        await Wait.StaysAsync(async () =>
        {
            foreach (var (_, id) in requests)
            {
                if (await ExpiredEventsAsync(id) != 1)
                    return false;
            }
            return true;
        }, TwoTimerRounds, "each request has exactly one expiry, whichever instance wrote it");
        byPass.Sum().Should().BeLessThanOrEqualTo(40);
        // The writers really met on the same requests: a pass lost a write to another writer (a
        // conflict on the stream's version: another pass, or an instance's own loop), or several
        // passes each expired some of the forty. Run one at a time and alone, the first would
        // expire all forty and the others none, without a conflict.
        (observed.WriteConflicts > 0 || byPass.Count(n => n > 0) > 1).Should().BeTrue(
            $"the passes contended (write conflicts: {observed.WriteConflicts}, expired by each pass: {string.Join(", ", byPass)})");
        await Task.WhenAll(watched.Select(async stream =>
        {
            await using (stream)
            {
                (await stream.NextOfTypeAsync("pairing.expired")).Data.Should().Contain("requestId");
                await FluentActions.Awaiting(() => stream.NextAsync(TimeSpan.FromSeconds(1))).Should().ThrowAsync<TimeoutException>("the client is told once");
            }
        }));
    }

    [Fact]
    public async Task Expire_when_more_than_a_batch_is_due_one_pass_expires_them_all()
    {
        // 130 requests due at one instant: more than one read of the due (DueTransitions.BatchSize).
        // Every instance's own loop is held off (its tick slots for the next minute are taken, as
        // if by another instance), so the one pass run here is alone: it expires all 130 itself,
        // several at once, instead of the first 100 and the rest a tick later.
        const int count = DueTransitions.BatchSize + 30;
        var valkey = hosts.Public.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var prefix = hosts.Public.Services.GetRequiredService<ValkeyKeys>().Prefix;
        var firstSlot = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / (long)DurableTimersWorker.Interval.TotalMilliseconds;
        var slots = Enumerable.Range(0, 120).Select(i => (RedisKey)$"{prefix}tick:{DurableTimersWorker.Name}:{firstSlot + i}").ToArray();
        foreach (var slot in slots)
            await valkey.StringSetAsync(slot, "held-by-the-test", TimeSpan.FromMinutes(3));
        try
        {
            var requests = new List<(PublicApiClient Client, Guid Id)>();
            foreach (var chunk in Enumerable.Range(0, count).Chunk(10))
            {
                requests.AddRange(await Task.WhenAll(chunk.Select(async _ =>
                {
                    var (client, _, _) = await hosts.NewRegisteredClientAsync();
                    return (client, (await client.RequestPairingAsync(new RequestPairing())).Id);
                })));
            }

            hosts.Clock!.Advance(TimeSpan.FromSeconds(61));
            (await ExpiryPassesAsync(hosts.Public)).Should().Equal([count], "one pass expires every request due, not only the first batch");
            foreach (var (client, id) in requests)
            {
                (await client.GetMyPairingRequestAsync(id)).Status.Should().Be(HaloBestie.Clients.Public.PairingStatus.Expired);
                (await ExpiredEventsAsync(id)).Should().Be(1);
            }
            (await ExpiryPassesAsync(hosts.Public)).Should().Equal([0], "nothing is left due");
        }
        finally
        {
            await valkey.KeyDeleteAsync(slots);
        }
    }

    [Fact]
    public async Task Expire_when_the_instance_that_created_the_request_is_gone_still_closes_it()
    {
        var creator = hosts.AnotherPublicHost();
        var (_, token, _) = await hosts.NewRegisteredClientAsync();
        var created = await HostsFixture.PublicOn(creator, token).RequestPairingAsync(new RequestPairing());
        await creator.DisposeAsync();

        hosts.Clock!.Advance(TimeSpan.FromSeconds(61));
        var restarted = hosts.AnotherPublicHost();
        var client = HostsFixture.PublicOn(restarted, token);

        await Wait.UntilAsync(async () => (await client.GetMyPairingRequestAsync(created.Id)).Status == HaloBestie.Clients.Public.PairingStatus.Expired,
            TimeSpan.FromSeconds(5), "the restarted instance expires the request");
        (await ExpiryPassesAsync(restarted)).Should().Equal(0);
        (await ExpiredEventsAsync(created.Id)).Should().Be(1);
    }
}

/// <summary>Own schema: "no other mitra available" must not see mitras of other tests.</summary>
public class NoBestieTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Decline_when_every_offered_mitra_declined_and_nobody_else_is_free_ends_as_no_bestie()
    {
        var (first, firstToken, _, _) = await hosts.NewSignedInMitraAsync();
        var (second, secondToken, _, _) = await hosts.NewSignedInMitraAsync();
        await first.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        await second.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        var (client, clientToken, _) = await hosts.NewRegisteredClientAsync();
        await using var clientStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/client/events", clientToken);
        await using var firstStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", firstToken);
        await using var secondStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", secondToken);
        var created = await client.RequestPairingAsync(new RequestPairing());

        await first.DeclinePairingRequestAsync(created.Id);
        (await client.GetMyPairingRequestAsync(created.Id)).Status.Should().Be(HaloBestie.Clients.Public.PairingStatus.Searching);
        (await first.ListOfferedPairingRequestsAsync()).Should().NotContain(o => o.Id == created.Id);

        await second.DeclinePairingRequestAsync(created.Id);

        var view = await client.GetMyPairingRequestAsync(created.Id);
        view.Status.Should().Be(HaloBestie.Clients.Public.PairingStatus.Expired);
        view.ClosedReason.Should().Be(PairingRequestViewClosedReason.NoBestie);
        (await clientStream.NextAsync())!.Type.Should().Be("pairing.expired");
        // Every mitra it was offered to (both declined) is told it is closed, with API.md's
        // reason for a request that ended unmatched: "expired" (of taken/cancelled/expired).
        foreach (var stream in new[] { firstStream, secondStream })
        {
            var events = await stream.TakeAsync(2);
            events.Select(e => e.Type).Should().Equal("pairing.offered", "pairing.closed");
            var closed = JsonDocument.Parse(events[1].Data).RootElement;
            closed.GetProperty("requestId").GetGuid().Should().Be(created.Id);
            closed.GetProperty("reason").GetString().Should().Be("expired");
            await FluentActions.Awaiting(() => stream.NextAsync(TimeSpan.FromSeconds(1))).Should().ThrowAsync<TimeoutException>("each mitra is told once");
        }
    }
}
