using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Sessions;
using HaloBestie.Domain.Tests.Specs;

namespace HaloBestie.Domain.Tests.Pairing;

/// <summary><see cref="PairingDecisions.Accept(PairingRequest, Mitra, Client, int, TimeSpan, Guid, DateTimeOffset)"/>: every event of an accept, or the one problem, in its order.</summary>
public class AcceptDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid MitraId = Guid.CreateVersion7();
    private static readonly Guid ClientId = Guid.CreateVersion7();
    private static readonly Guid RequestId = Guid.CreateVersion7();
    private static readonly Guid SessionId = Guid.CreateVersion7();
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private static readonly object Registered = new MitraRegistered(MitraId, "Dewi Lestari", "+628123456789", "Dewi", null, [], Guid.CreateVersion7(), Now.AddDays(-1));
    private static readonly object Online = new MitraWentOnline(MitraId, Now.AddMinutes(-10));
    private static readonly object SignedUp = new ClientSignedUp(ClientId, "uid-1", "google.com", "a@example.com", null, Now.AddDays(-1));
    private static readonly object Requested = new PairingRequested(RequestId, ClientId, null, null, Now.AddSeconds(60), Now.AddSeconds(-5));

    private static Mitra OnlineMitra(params object[] more) => Given.Stream<Mitra>([Registered, Online, .. more]);

    private static Client ClientWith(params object[] more) => Given.Stream<Client>([SignedUp, .. more]);

    private static readonly Client WithTrial = ClientWith(new TrialGranted(ClientId, 1, Now.AddDays(-1)));

    private static PairingRequest Searching(params object[] more) => Given.Stream<PairingRequest>([Requested, .. more]);

    private static AcceptOutcome Accept(PairingRequest request, Mitra mitra, Client client, int capacity = 1, DateTimeOffset? at = null) =>
        PairingDecisions.Accept(request, mitra, client, capacity, Hour, SessionId, at ?? Now);

    [Fact]
    public void Accept_when_everything_holds_returns_one_event_for_each_of_the_four_streams()
    {
        var outcome = Accept(Searching(), OnlineMitra(), WithTrial);

        outcome.Should().BeEquivalentTo(new Accepted(
            new PairingAccepted(RequestId, MitraId, SessionId, Now),
            new MitraSessionStarted(MitraId, SessionId, Now),
            new CreditConsumed(ClientId, SessionId, CreditKinds.Trial, Now),
            new SessionStarted(SessionId, RequestId, ClientId, MitraId, Now + Hour, Now, CreditKinds.Trial)));
    }

    [Fact]
    public void Accept_when_the_trial_is_spent_pays_with_a_credit()
    {
        var client = ClientWith(new CreditsPurchased(ClientId, Guid.CreateVersion7(), 2, Now.AddHours(-1)));

        var accepted = (Accepted)Accept(Searching(), OnlineMitra(), client);

        accepted.Client.Kind.Should().Be(CreditKinds.Paid);
        accepted.Session.PaidWith.Should().Be(CreditKinds.Paid);
    }

    [Fact]
    public void Accept_when_the_client_can_no_longer_pay_closes_the_request_instead()
    {
        var outcome = Accept(Searching(), OnlineMitra(), ClientWith());

        outcome.Should().BeEquivalentTo(new AcceptClosesRequest(new PairingCancelled(RequestId, PairingReasons.PaymentRequired, Now)));
    }

    [Fact]
    public void Accept_when_this_mitra_won_already_returns_its_session_and_records_nothing()
    {
        var won = Searching(new PairingAccepted(RequestId, MitraId, SessionId, Now.AddSeconds(-1)));
        var deactivatedSince = OnlineMitra(new MitraSessionStarted(MitraId, SessionId, Now.AddSeconds(-1)),
            new MitraDeactivated(MitraId, null, Guid.CreateVersion7(), Now));

        var outcome = Accept(won, deactivatedSince, ClientWith(), at: Now.AddMinutes(5));

        outcome.Should().Be(new AlreadyAccepted(SessionId), "a retry after a lost answer gets the same session, whatever changed since");
        (outcome.ForRequest.Count + outcome.ForMitra.Count + outcome.ForClient.Count).Should().Be(0);
    }

    [Fact]
    public void Accept_when_another_mitra_won_returns_already_taken()
    {
        var wonByOther = Searching(new PairingAccepted(RequestId, Guid.CreateVersion7(), Guid.CreateVersion7(), Now.AddSeconds(-1)));

        Then.Problem(() => Accept(wonByOther, OnlineMitra(), WithTrial), ProblemNames.AlreadyTaken);
    }

    [Fact]
    public void Accept_when_the_mitra_is_inactive_returns_mitra_inactive_before_anything_about_the_request()
    {
        var taken = Searching(new PairingAccepted(RequestId, Guid.CreateVersion7(), Guid.CreateVersion7(), Now.AddSeconds(-1)));
        var inactive = OnlineMitra(new MitraDeactivated(MitraId, null, Guid.CreateVersion7(), Now.AddMinutes(-1)));

        Then.Problem(() => Accept(taken, inactive, ClientWith()), ProblemNames.MitraInactive);
    }

    [Fact]
    public void Accept_when_taken_returns_already_taken_before_the_mitra_being_offline()
    {
        var taken = Searching(new PairingAccepted(RequestId, Guid.CreateVersion7(), Guid.CreateVersion7(), Now.AddSeconds(-1)));

        Then.Problem(() => Accept(taken, Given.Stream<Mitra>(Registered), WithTrial), ProblemNames.AlreadyTaken);
    }

    [Fact]
    public void Accept_when_the_mitra_is_offline_returns_forbidden_before_capacity_full()
    {
        var offline = Given.Stream<Mitra>(Registered);

        Then.Problem(() => Accept(Searching(), offline, ClientWith(), capacity: 0), ProblemNames.Forbidden);
    }

    [Fact]
    public void Accept_when_already_taken_returns_already_taken_before_capacity_full()
    {
        var taken = Searching(new PairingAccepted(RequestId, Guid.CreateVersion7(), Guid.CreateVersion7(), Now.AddSeconds(-1)));
        var full = OnlineMitra(new MitraSessionStarted(MitraId, Guid.CreateVersion7(), Now.AddMinutes(-5)));

        Then.Problem(() => Accept(taken, full, WithTrial), ProblemNames.AlreadyTaken);
    }

    [Fact]
    public void Accept_when_cancelled_or_past_the_deadline_returns_request_closed()
    {
        var cancelled = Searching(new PairingCancelled(RequestId, PairingReasons.CancelledByClient, Now.AddSeconds(-1)));

        Then.Problem(() => Accept(cancelled, OnlineMitra(), WithTrial), ProblemNames.RequestClosed);
        Then.Problem(() => Accept(Searching(), OnlineMitra(), WithTrial, at: Now.AddSeconds(60)), ProblemNames.RequestClosed);
    }

    [Fact]
    public void Accept_when_the_mitra_is_full_returns_capacity_full_before_the_client_payment()
    {
        var full = OnlineMitra(new MitraSessionStarted(MitraId, Guid.CreateVersion7(), Now.AddMinutes(-5)));

        Then.Problem(() => Accept(Searching(), full, ClientWith()), ProblemNames.CapacityFull);
        Accept(Searching(), full, WithTrial, capacity: 2).Should().BeOfType<Accepted>("a place is free under a capacity of 2");
    }
}
