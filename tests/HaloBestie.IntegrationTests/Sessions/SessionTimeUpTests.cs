using HaloBestie.Clients.Public;
using HaloBestie.Domain.Sessions;
using HaloBestie.Application.Sessions;
using HaloBestie.Infrastructure.Workers;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Marten;

namespace HaloBestie.IntegrationTests.Sessions;

public class SessionTimeUpTests(FakeClockHostsFixture hosts) : IClassFixture<FakeClockHostsFixture>
{
    /// <summary>Runs one session-timer pass on each host now, as its timer loop would; returns how many warnings and ends each wrote.</summary>
    private static async Task<int[]> TickAsync(params WebApplicationFactory<Api.Public.Program>[] instances)
    {
        var changed = new List<int>();
        foreach (var host in instances)
        {
            using var scope = host.Services.CreateScope();
            changed.Add(await scope.ServiceProvider.GetRequiredService<SessionTimeUp>().RunDueAsync(CancellationToken.None));
        }
        return [.. changed];
    }

    private async Task<List<object>> EventsAsync(Guid sessionId)
    {
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(sessionId)).Select(e => e.Data).ToList();
    }

    [Fact]
    public async Task TimeUp_when_five_minutes_are_left_warns_then_the_system_ends_the_session_once()
    {
        // Two started instances run the timers on the same (fake) clock: "once" is then decided
        // between two timers that both see each deadline pass.
        var second = hosts.AnotherPublicHost();
        var (secondTimers, secondClock) = HostsFixture.TimersOf(second);
        secondClock.Should().BeSameAs(hosts.Clock);
        secondTimers.ExecuteTask.Should().NotBeNull();
        secondTimers.ExecuteTask!.IsCompleted.Should().BeFalse("the second instance's timer loop runs");
        var (mitra, mitraToken, _) = await hosts.NewOnlineMitraAsync();
        var (client, clientToken, _) = await hosts.NewRegisteredClientAsync();
        await using var mitraStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", mitraToken);
        await using var clientStream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/client/events", clientToken);
        var request = await client.RequestPairingAsync(new RequestPairing());
        var sessionId = (await mitra.AcceptPairingRequestAsync(request.Id)).SessionId;
        var endsAt = (await client.GetMySessionAsync(sessionId)).EndsAt;
        endsAt.Should().Be(hosts.Clock!.GetUtcNow().AddMinutes(60));

        hosts.Clock.Advance(TimeSpan.FromMinutes(54));
        // A minute before the warning: a pass of each instance's timers, run now, has nothing to do.
        (await TickAsync(hosts.Public, second)).Should().Equal(0, 0);
        (await client.GetMySessionAsync(sessionId)).Status.Should().Be(HaloBestie.Clients.Public.SessionStatus.Active);

        hosts.Clock.Advance(TimeSpan.FromMinutes(1));
        (await clientStream.NextOfTypeAsync("session.ending-soon")).Data.Should().Contain(sessionId.ToString());
        (await mitraStream.NextOfTypeAsync("session.ending-soon")).Data.Should().Contain(sessionId.ToString());
        (await client.GetMySessionAsync(sessionId)).Status.Should().Be(HaloBestie.Clients.Public.SessionStatus.Active);

        hosts.Clock.Advance(TimeSpan.FromMinutes(5));
        var ended = await clientStream.NextOfTypeAsync("session.ended");
        ended.Data.Should().Contain("\"endedBy\":\"system\"").And.Contain("\"reason\":\"time-up\"");
        (await mitraStream.NextOfTypeAsync("session.ended")).Data.Should().Contain("time-up");

        // Once: nothing is left to do for either instance, and the stream stays at one warning and
        // one end while both loops run again.
        (await TickAsync(hosts.Public, second)).Should().Equal(0, 0);
        await Wait.StaysAsync(async () =>
        {
            var events = await EventsAsync(sessionId);
            return events.OfType<SessionEndingSoon>().Count() == 1 && events.OfType<SessionEnded>().Count() == 1;
        }, DurableTimersWorker.Interval * 2.5, "the session has exactly one warning and one end");
        secondTimers.ExecuteTask.IsCompleted.Should().BeFalse();
        (await EventsAsync(sessionId)).OfType<SessionEnded>().Should().ContainSingle().Which.EndedBy.Should().Be("system");
        (await mitra.GetMyMitraProfileAsync()).ActiveSessions.Should().Be(0);
    }
}
