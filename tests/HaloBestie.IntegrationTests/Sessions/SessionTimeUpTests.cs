using HaloBestie.Clients.Public;
using HaloBestie.Domain.Sessions;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;

namespace HaloBestie.IntegrationTests.Sessions;

public class SessionTimeUpTests(FakeClockHostsFixture hosts) : IClassFixture<FakeClockHostsFixture>
{
    [Fact]
    public async Task TimeUp_when_five_minutes_are_left_warns_then_the_system_ends_the_session_once()
    {
        // Two started instances run the timers on the same (fake) clock: "once" is then decided
        // between two timers that both see each deadline pass.
        var (secondTimers, secondClock) = HostsFixture.TimersOf(hosts.AnotherPublicHost());
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
        await Task.Delay(2500);
        (await client.GetMySessionAsync(sessionId)).Status.Should().Be(HaloBestie.Clients.Public.SessionStatus.Active);

        hosts.Clock.Advance(TimeSpan.FromMinutes(1));
        (await clientStream.NextOfTypeAsync("session.ending-soon")).Data.Should().Contain(sessionId.ToString());
        (await mitraStream.NextOfTypeAsync("session.ending-soon")).Data.Should().Contain(sessionId.ToString());
        (await client.GetMySessionAsync(sessionId)).Status.Should().Be(HaloBestie.Clients.Public.SessionStatus.Active);

        hosts.Clock.Advance(TimeSpan.FromMinutes(5));
        var ended = await clientStream.NextOfTypeAsync("session.ended");
        ended.Data.Should().Contain("\"endedBy\":\"system\"").And.Contain("\"reason\":\"time-up\"");
        (await mitraStream.NextOfTypeAsync("session.ended")).Data.Should().Contain("time-up");

        await Task.Delay(2500); // both instances' timers have run again
        secondTimers.ExecuteTask.IsCompleted.Should().BeFalse();
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        var events = (await session.Events.FetchStreamAsync(sessionId)).Select(e => e.Data).ToList();
        events.OfType<SessionEndingSoon>().Should().ContainSingle();
        events.OfType<SessionEnded>().Should().ContainSingle().Which.EndedBy.Should().Be("system");
        (await mitra.GetMyMitraProfileAsync()).ActiveSessions.Should().Be(0);
    }
}
