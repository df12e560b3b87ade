using Marten;
using DomainClient = HaloBestie.Domain.Clients.Client;
using DomainSession = HaloBestie.Domain.Sessions.Session;
using DomainSessionStatus = HaloBestie.Domain.Sessions.SessionStatus;
using Mitra = HaloBestie.Domain.Mitras.Mitra;
using MitraSessionEnded = HaloBestie.Domain.Mitras.MitraSessionEnded;
using MitraSessionStarted = HaloBestie.Domain.Mitras.MitraSessionStarted;
using SessionActors = HaloBestie.Domain.Sessions.SessionActors;
using SessionEnded = HaloBestie.Domain.Sessions.SessionEnded;
using SessionEndingSoon = HaloBestie.Domain.Sessions.SessionEndingSoon;
using SessionStarted = HaloBestie.Domain.Sessions.SessionStarted;

namespace HaloBestie.IntegrationTests.Sessions.Replay;

/// <summary>
/// What must hold of the store once the run is over, whatever the seed: every read model equals its stream
/// replayed, and agrees with what the API answered (<see cref="ReplayModel"/>) and with the other streams.
/// </summary>
internal static class ReplayInvariants
{
    public static async Task<Dictionary<Guid, DomainSession>> EachSessionEqualsItsStreamReplayedAsync(IQuerySession query, ReplayModel model, string because)
    {
        var sessions = new Dictionary<Guid, DomainSession>();
        foreach (var t in model.Sessions)
        {
            var projected = await query.LoadAsync<DomainSession>(t.Id);
            projected.Should().NotBeNull(because);
            // Records are compared member by member: every property, derived ones included.
            projected.Should().BeEquivalentTo(await query.Events.AggregateStreamAsync<DomainSession>(t.Id), because);
            sessions[t.Id] = projected!;
            var events = (await query.Events.FetchStreamAsync(t.Id)).Select(e => e.Data).ToList();
            var ends = model.EndsAnswered(t);
            events[0].Should().BeOfType<SessionStarted>();
            events.OfType<SessionEndingSoon>().Should().HaveCountLessThanOrEqualTo(1, because);
            projected!.Reroutes.Should().Be(model.ReroutesAnswered(t), "every reroute answered 200 is recorded, and only those; " + because);
            ends.Should().HaveCountLessThanOrEqualTo(1, "a session is ended once; " + because);
            if (projected.Status == DomainSessionStatus.Active)
            {
                events.OfType<SessionEnded>().Should().BeEmpty(because);
                ends.Should().BeEmpty(because);
                continue;
            }
            events.OfType<SessionEnded>().Should().ContainSingle(because);
            events[^1].Should().BeOfType<SessionEnded>("nothing is recorded after the end; " + because);
            if (ends.Count == 1)
            {
                projected.EndedBy.Should().Be(ends[0], because);
                continue;
            }
            // Nobody was told "ended": the timer did it, warning first.
            projected.EndedBy.Should().Be(SessionActors.System, because);
            projected.EndReason.Should().Be("time-up");
            ((SessionEnded)events[^1]).ActorId.Should().BeNull();
            projected.EndedAt.Should().BeOnOrAfter(projected.EndsAt);
            events.OfType<SessionEndingSoon>().Should().ContainSingle(because);
        }
        sessions.Values.Should().Contain(d => d.EndedBy == SessionActors.System, "some sessions reached their time-up");
        return sessions;
    }

    public static async Task EachMitraHoldsItsActiveSessionsAsync(IQuerySession query, ReplayModel model, Dictionary<Guid, DomainSession> sessions, string because)
    {
        foreach (var m in model.Mitras)
        {
            var projected = await query.LoadAsync<Mitra>(m.Id);
            projected.Should().BeEquivalentTo(await query.Events.AggregateStreamAsync<Mitra>(m.Id), because);
            var active = sessions.Values.Count(d => d.Status == DomainSessionStatus.Active && d.MitraId == m.Id);
            projected!.ActiveSessions.Should().Be(active, "a mitra's count follows every start, reroute, end and time-up; " + because);
            // The stream itself, not only the count (which never goes below 0): each session held is taken and given back once.
            var events = (await query.Events.FetchStreamAsync(m.Id)).Select(e => e.Data).ToList();
            foreach (var d in sessions.Values)
            {
                var held = events.OfType<MitraSessionStarted>().Count(e => e.SessionId == d.Id) - events.OfType<MitraSessionEnded>().Count(e => e.SessionId == d.Id);
                held.Should().Be(d.Status == DomainSessionStatus.Active && d.MitraId == m.Id ? 1 : 0, $"session {d.Id} on mitra {m.Id}; {because}");
            }
            if (m != model.Small)
                active.Should().BeLessThanOrEqualTo(ReplayModel.MaxCustomersPerMitra);
        }
    }

    public static async Task EachClientSpentOneTrialPerSessionAsync(IQuerySession query, ReplayModel model, Dictionary<Guid, DomainSession> sessions, string because)
    {
        foreach (var c in model.Clients)
        {
            var entitlements = await c.App.GetMyEntitlementsAsync();
            entitlements.TrialSessionsLeft.Should().BeGreaterThanOrEqualTo(0, because);
            entitlements.Credits.Should().Be(0, because);
            // Each session spent one trial session; staff ending one within 5 minutes gave it back (PRODUCT.md §6).
            var mine = sessions.Values.Where(d => d.ClientId == c.Id).ToList();
            var returned = mine.Count(d => d.EndedBy == SessionActors.Staff && d.EndedAt - d.StartedAt < TimeSpan.FromMinutes(5));
            entitlements.TrialSessionsLeft.Should().Be(ReplayModel.TrialSessions - mine.Count + returned, $"client {c.Id}; {because}");
            (await query.LoadAsync<DomainClient>(c.Id)).Should().BeEquivalentTo(await query.Events.AggregateStreamAsync<DomainClient>(c.Id), because);
            mine.Count(d => d.Status == DomainSessionStatus.Active).Should().BeLessThanOrEqualTo(1, because);
        }
    }
}
