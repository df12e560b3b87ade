using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;

namespace HaloBestie.Domain.Tests.Pairing;

public class PairingDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid A = Guid.CreateVersion7();
    private static readonly Guid B = Guid.CreateVersion7();

    private static PairingRequest Searching(params Guid[] offeredTo)
    {
        var request = PairingRequest.Create(PairingDecisions.Request(Guid.CreateVersion7(), Guid.CreateVersion7(), null, null, TimeSpan.FromSeconds(60), Now));
        return offeredTo.Length == 0 ? request : request.Apply((PairingOffered)PairingDecisions.Offer(request, offeredTo, Now).Single());
    }

    private static string ProblemOf(Action act) => act.Should().Throw<DomainException>().Which.Problem;

    [Fact]
    public void A_request_expires_after_the_timeout()
    {
        var request = Searching();

        request.ExpiresAt.Should().Be(Now.AddSeconds(60));
        PairingDecisions.Expire(request, Now.AddSeconds(59)).Should().BeEmpty();
        PairingDecisions.Expire(request, Now.AddSeconds(60)).Should().ContainSingle().Which.Should().BeEquivalentTo(new { Reason = "timeout" });
    }

    [Fact]
    public void Offers_go_only_to_mitras_not_offered_yet_and_never_after_closing()
    {
        var request = Searching(A);

        PairingDecisions.Offer(request, [A], Now).Should().BeEmpty();
        ((PairingOffered)PairingDecisions.Offer(request, [A, B, B], Now).Single()).MitraIds.Should().Equal(B);
        PairingDecisions.Offer(request, [B], Now.AddSeconds(61)).Should().BeEmpty();
    }

    [Fact]
    public void The_first_accept_matches_and_any_later_one_is_already_taken()
    {
        var request = Searching(A, B);
        var session = Guid.CreateVersion7();

        var matched = request.Apply(PairingDecisions.Accept(request, A, session, Now.AddSeconds(5)));

        matched.Status.Should().Be(PairingStatus.Matched);
        matched.WaitSeconds.Should().Be(5);
        matched.SearchingClientId.Should().BeNull();
        ProblemOf(() => PairingDecisions.Accept(matched, B, Guid.CreateVersion7(), Now)).Should().Be(ProblemNames.AlreadyTaken);
    }

    [Fact]
    public void Accepting_a_cancelled_or_overdue_request_is_request_closed()
    {
        var request = Searching(A);
        var cancelled = request.Apply(PairingDecisions.Cancel(request, PairingReasons.CancelledByClient, Now));

        ProblemOf(() => PairingDecisions.Accept(cancelled, A, Guid.CreateVersion7(), Now)).Should().Be(ProblemNames.RequestClosed);
        ProblemOf(() => PairingDecisions.Accept(request, A, Guid.CreateVersion7(), Now.AddSeconds(60))).Should().Be(ProblemNames.RequestClosed);
        ProblemOf(() => PairingDecisions.Cancel(cancelled, PairingReasons.CancelledByClient, Now)).Should().Be(ProblemNames.RequestClosed);
    }

    [Fact]
    public void The_last_decline_with_nobody_else_available_ends_the_request_as_no_bestie()
    {
        var request = Searching(A, B);
        var afterA = request.Apply((PairingDeclined)PairingDecisions.Decline(request, A, othersAvailable: false, Now).Single());

        var events = PairingDecisions.Decline(afterA, B, othersAvailable: false, Now);

        events.Select(e => e.GetType()).Should().Equal(typeof(PairingDeclined), typeof(PairingExpired));
        ((PairingExpired)events[1]).Reason.Should().Be(PairingReasons.NoBestie);
        PairingDecisions.Decline(afterA, B, othersAvailable: true, Now).Should().ContainSingle();
    }

    [Fact]
    public void A_mitra_takes_a_session_only_online_and_below_capacity()
    {
        var mitra = Mitra.Create(MitraDecisions.Register(A, new MitraProfile("A", "+6281200000000", "B", null, []), Guid.Empty, Now));
        var online = mitra with { IsOnline = true, OnlineSince = Now };

        ProblemOf(() => MitraDecisions.TakeSession(mitra, Guid.CreateVersion7(), 1, Now)).Should().Be(ProblemNames.Forbidden);
        var busy = online.Apply(MitraDecisions.TakeSession(online, Guid.CreateVersion7(), 1, Now));
        busy.ActiveSessions.Should().Be(1);
        busy.IsAvailableUnder(1).Should().BeFalse();
        ProblemOf(() => MitraDecisions.TakeSession(busy, Guid.CreateVersion7(), 1, Now)).Should().Be(ProblemNames.CapacityFull);
        busy.IsAvailableUnder(2).Should().BeTrue();
    }
}
