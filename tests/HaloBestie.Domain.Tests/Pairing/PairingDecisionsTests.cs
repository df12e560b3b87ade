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

    /// <summary>The request closed, one second after it was made and well before its deadline, the way <paramref name="how"/> says.</summary>
    private static PairingRequest Closed(PairingRequest request, string how) => how switch
    {
        "matched" => request.Apply(PairingDecisions.Accept(request, A, Guid.CreateVersion7(), Now.AddSeconds(1))),
        "cancelled" => request.Apply(PairingDecisions.Cancel(request, PairingReasons.CancelledByClient, Now.AddSeconds(1))),
        "no-bestie" => request.Apply(new PairingExpired(request.Id, PairingReasons.NoBestie, Now.AddSeconds(1))),
        _ => throw new ArgumentOutOfRangeException(nameof(how), how, null),
    };

    [Fact]
    public void Expire_when_the_timeout_has_passed_closes_the_request()
    {
        var request = Searching();

        request.ExpiresAt.Should().Be(Now.AddSeconds(60));
        PairingDecisions.Expire(request, Now.AddSeconds(59)).Should().BeEmpty();
        PairingDecisions.Expire(request, Now.AddSeconds(60)).Should().ContainSingle().Which.Should().BeEquivalentTo(new { Reason = "timeout" });
    }

    [Fact]
    public void Offer_when_some_mitras_were_offered_already_offers_only_the_others_and_none_after_closing()
    {
        var request = Searching(A);

        PairingDecisions.Offer(request, [A], Now).Should().BeEmpty();
        ((PairingOffered)PairingDecisions.Offer(request, [A, B, B], Now).Single()).MitraIds.Should().Equal(B);
        PairingDecisions.Offer(request, [B], Now.AddSeconds(61)).Should().BeEmpty();
    }

    [Fact]
    public void Accept_when_another_accept_matched_first_returns_already_taken()
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
    public void Accept_when_the_request_is_cancelled_or_overdue_is_request_closed()
    {
        var request = Searching(A);
        var cancelled = request.Apply(PairingDecisions.Cancel(request, PairingReasons.CancelledByClient, Now));

        ProblemOf(() => PairingDecisions.Accept(cancelled, A, Guid.CreateVersion7(), Now)).Should().Be(ProblemNames.RequestClosed);
        ProblemOf(() => PairingDecisions.Accept(request, A, Guid.CreateVersion7(), Now.AddSeconds(60))).Should().Be(ProblemNames.RequestClosed);
        ProblemOf(() => PairingDecisions.Cancel(cancelled, PairingReasons.CancelledByClient, Now)).Should().Be(ProblemNames.RequestClosed);
    }

    [Fact]
    public void Decline_when_it_is_the_last_and_nobody_else_is_available_ends_the_request_as_no_bestie()
    {
        var request = Searching(A, B);
        var afterA = request.Apply((PairingDeclined)PairingDecisions.Decline(request, A, othersAvailable: false, Now).Single());

        var events = PairingDecisions.Decline(afterA, B, othersAvailable: false, Now);

        events.Select(e => e.GetType()).Should().Equal(typeof(PairingDeclined), typeof(PairingExpired));
        ((PairingExpired)events[1]).Reason.Should().Be(PairingReasons.NoBestie);
        PairingDecisions.Decline(afterA, B, othersAvailable: true, Now).Should().ContainSingle();
    }

    [Fact]
    public void TakeSession_when_offline_or_at_capacity_is_refused()
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

    [Fact]
    public void Offer_when_the_deadline_is_this_very_moment_offers_nothing()
    {
        var request = Searching(A);

        PairingDecisions.Offer(request, [B], request.ExpiresAt.AddTicks(-1)).Should().ContainSingle();
        PairingDecisions.Offer(request, [B], request.ExpiresAt).Should().BeEmpty();
    }

    [Theory]
    [InlineData("matched")]
    [InlineData("cancelled")]
    [InlineData("no-bestie")]
    public void Offer_when_the_request_is_closed_before_its_deadline_offers_nothing(string how)
    {
        // Given a request closed at +1 s, when a mitra not offered yet becomes available at +2 s
        var closed = Closed(Searching(A), how);

        // then nobody is offered it (the deadline alone would let a matched request be offered
        // to every mitra who comes online until then).
        PairingDecisions.Offer(closed, [B], Now.AddSeconds(2)).Should().BeEmpty();
    }

    [Fact]
    public void Accept_when_the_request_ended_as_no_bestie_is_request_closed()
    {
        var closed = Closed(Searching(A, B), "no-bestie");

        ProblemOf(() => PairingDecisions.Accept(closed, B, Guid.CreateVersion7(), Now.AddSeconds(2))).Should().Be(ProblemNames.RequestClosed);
    }

    [Theory]
    [InlineData("matched", ProblemNames.AlreadyTaken)]
    [InlineData("cancelled", ProblemNames.RequestClosed)]
    [InlineData("no-bestie", ProblemNames.RequestClosed)]
    public void Decline_when_the_request_is_closed_is_refused(string how, string problem)
    {
        var closed = Closed(Searching(A, B), how);

        ProblemOf(() => PairingDecisions.Decline(closed, B, othersAvailable: false, Now.AddSeconds(2))).Should().Be(problem);
    }

    [Fact]
    public void Decline_when_the_deadline_has_passed_is_request_closed()
    {
        var request = Searching(A);

        ProblemOf(() => PairingDecisions.Decline(request, A, othersAvailable: false, request.ExpiresAt)).Should().Be(ProblemNames.RequestClosed);
    }

    [Fact]
    public void Decline_when_the_mitra_already_declined_records_nothing()
    {
        // Given A and B offered, A declined
        var request = Searching(A, B);
        var afterA = request.Apply((PairingDeclined)PairingDecisions.Decline(request, A, othersAvailable: true, Now).Single());

        // when A declines again (a double tap), nothing is recorded: not a second decline, and
        // not a no-bestie end while B may still accept.
        PairingDecisions.Decline(afterA, A, othersAvailable: false, Now.AddSeconds(1)).Should().BeEmpty();
    }

    [Fact]
    public void Apply_decline_when_the_mitra_is_already_counted_keeps_one_entry()
    {
        var request = Searching(A, B);
        var declined = new PairingDeclined(request.Id, A, Now);

        request.Apply(declined).Apply(declined).DeclinedBy.Should().Equal(A);
    }

    [Theory]
    [InlineData("matched")]
    [InlineData("cancelled")]
    [InlineData("no-bestie")]
    public void Expire_when_the_request_closed_before_its_deadline_records_nothing(string how)
    {
        // The durable timer fires at the deadline of every request, including those matched or
        // cancelled before it: it must not expire them after the fact.
        var closed = Closed(Searching(A), how);

        PairingDecisions.Expire(closed, closed.ExpiresAt).Should().BeEmpty();
        PairingDecisions.Expire(closed, closed.ExpiresAt.AddMinutes(5)).Should().BeEmpty();
    }

    [Fact]
    public void SearchingClientId_when_searching_is_the_client_and_once_closed_is_null()
    {
        var request = Searching(A);

        request.SearchingClientId.Should().Be(request.ClientId);
        Closed(request, "cancelled").SearchingClientId.Should().BeNull();
        Closed(request, "no-bestie").SearchingClientId.Should().BeNull();
    }

    [Fact]
    public void Cancel_when_the_request_is_matched_or_ended_is_request_closed()
    {
        var request = Searching(A);

        ProblemOf(() => PairingDecisions.Cancel(Closed(request, "matched"), PairingReasons.CancelledByClient, Now.AddSeconds(2))).Should().Be(ProblemNames.RequestClosed);
        ProblemOf(() => PairingDecisions.Cancel(Closed(request, "no-bestie"), PairingReasons.CancelledByClient, Now.AddSeconds(2))).Should().Be(ProblemNames.RequestClosed);
    }
}
