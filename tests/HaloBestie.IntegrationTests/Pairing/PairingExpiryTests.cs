using System.Text.Json;
using HaloBestie.Clients.Public;
using HaloBestie.Domain.Pairing;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using SetMitraStatus = HaloBestie.Clients.Public.SetMitraStatus;

namespace HaloBestie.IntegrationTests.Pairing;

/// <summary>Durable expiry on a fake clock: the deadline is stored, any public instance acts on it, once.</summary>
public class PairingExpiryTests(FakeClockHostsFixture hosts) : IClassFixture<FakeClockHostsFixture>
{
    private async Task<int> ExpiredEventsAsync(Guid requestId)
    {
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(requestId)).Count(e => e.Data is PairingExpired);
    }

    private static async Task<bool> Eventually(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
                return true;
            await Task.Delay(100);
        }
        return await condition();
    }

    [Fact]
    public async Task Expire_when_nobody_accepts_closes_the_request_once_on_time_and_tells_both_sides()
    {
        // A second instance, started, runs the same timer on the same (fake) clock: "once" is
        // then decided between two timers that both see the deadline pass.
        var (secondTimers, secondClock) = HostsFixture.TimersOf(hosts.AnotherPublicHost());
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
        await Task.Delay(2500);
        (await client.GetMyPairingRequestAsync(created.Id)).Status.Should().Be(HaloBestie.Clients.Public.PairingStatus.Searching);

        hosts.Clock.Advance(TimeSpan.FromSeconds(1));
        (await Eventually(async () => (await client.GetMyPairingRequestAsync(created.Id)).Status == HaloBestie.Clients.Public.PairingStatus.Expired, TimeSpan.FromSeconds(5)))
            .Should().BeTrue();
        await Task.Delay(2500); // both instances' timers have run again since
        secondTimers.ExecuteTask.IsCompleted.Should().BeFalse();
        (await ExpiredEventsAsync(created.Id)).Should().Be(1);
        (await client.GetMyPairingRequestAsync(created.Id)).ClosedReason.Should().Be("timeout");
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
        var start = new TaskCompletionSource();
        var passes = instances.Select(host => Task.Run(async () =>
        {
            await start.Task;
            using var scope = host.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<HaloBestie.Application.Pairing.PairingTimers>().ExpireDueAsync(CancellationToken.None);
        })).ToList();
        start.SetResult();
        var expiredByPasses = (await Task.WhenAll(passes)).Sum();

        foreach (var (client, id) in requests)
            (await Eventually(async () => (await client.GetMyPairingRequestAsync(id)).Status == HaloBestie.Clients.Public.PairingStatus.Expired, TimeSpan.FromSeconds(5)))
                .Should().BeTrue();
        await Task.Delay(2500); // every instance's own timer has run again since
        foreach (var (_, id) in requests)
            (await ExpiredEventsAsync(id)).Should().Be(1, $"request {id} expired once, whichever instance wrote it");
        expiredByPasses.Should().BeLessThanOrEqualTo(40);
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
    public async Task Expire_when_the_instance_that_created_the_request_is_gone_still_closes_it()
    {
        var creator = hosts.AnotherPublicHost();
        var (_, token, _) = await hosts.NewRegisteredClientAsync();
        var created = await HostsFixture.PublicOn(creator, token).RequestPairingAsync(new RequestPairing());
        await creator.DisposeAsync();

        hosts.Clock!.Advance(TimeSpan.FromSeconds(61));
        var restarted = hosts.AnotherPublicHost();
        var client = HostsFixture.PublicOn(restarted, token);

        (await Eventually(async () => (await client.GetMyPairingRequestAsync(created.Id)).Status == HaloBestie.Clients.Public.PairingStatus.Expired, TimeSpan.FromSeconds(5)))
            .Should().BeTrue();
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
        view.ClosedReason.Should().Be("no-bestie");
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
