using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Payments;

namespace HaloBestie.Domain.Tests.Payments;

public class EntitlementDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    private static Client Registered() => Client.Create(ClientDecisions.SignUp(Guid.CreateVersion7(), "uid", "google.com", null, null, Now));

    [Fact]
    public void GrantTrial_when_registered_grants_it_once_and_a_guest_never()
    {
        var client = Registered();
        var guest = Client.Create(ClientDecisions.SignUp(Guid.CreateVersion7(), "uid", "anonymous", null, null, Now));

        var granted = client.Apply((TrialGranted)ClientDecisions.GrantTrial(client, 1, Now).Single());

        granted.TrialSessionsLeft.Should().Be(1);
        ClientDecisions.GrantTrial(granted, 1, Now).Should().BeEmpty();
        ClientDecisions.GrantTrial(guest, 1, Now).Should().BeEmpty();
        ClientDecisions.GrantTrial(client, 0, Now).Should().BeEmpty();
    }

    [Fact]
    public void Consume_when_trial_and_credits_are_left_spends_the_trial_first_and_never_below_zero()
    {
        var client = Registered() with { TrialSessionsLeft = 1, Credits = 1 };

        var afterTrial = client.Apply(ClientDecisions.Consume(client, Guid.CreateVersion7(), Now));
        afterTrial.Should().BeEquivalentTo(new { TrialSessionsLeft = 0, Credits = 1 });
        var afterCredit = afterTrial.Apply(ClientDecisions.Consume(afterTrial, Guid.CreateVersion7(), Now));
        afterCredit.Credits.Should().Be(0);

        FluentActions.Invoking(() => ClientDecisions.Consume(afterCredit, Guid.CreateVersion7(), Now))
            .Should().Throw<DomainException>().Which.Problem.Should().Be(ProblemNames.PaymentRequired);
    }

    [Fact]
    public void Paid_callback_when_the_amount_is_the_invoiced_one_credits_once_and_otherwise_never()
    {
        var payment = Payment.Create(new PaymentCreated(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), "5 sesi", 5, 250_000, "inv", "url", Now.AddDays(1), Now));

        PaymentDecisions.Callback(payment, "PAID", 1_000, Now).Outcome.Should().Be(PaymentDecisions.AmountMismatch);
        var (events, outcome) = PaymentDecisions.Callback(payment, "SETTLED", 250_000, Now);
        outcome.Should().Be(PaymentDecisions.Credited);
        var paid = payment.Apply((PaymentPaid)events.Single());
        PaymentDecisions.Callback(paid, "PAID", 250_000, Now).Outcome.Should().Be(PaymentDecisions.AlreadyApplied);
        PaymentDecisions.Callback(paid, "EXPIRED", 250_000, Now).Events.Should().BeEmpty();
        PaymentDecisions.Callback(payment, "PENDING", 250_000, Now).Outcome.Should().Be(PaymentDecisions.Ignored);
    }

    private static Payment Pending() =>
        Payment.Create(new PaymentCreated(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), "5 sesi", 5, 250_000, "inv", "url", Now.AddDays(1), Now));

    [Theory]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    [InlineData(2, 3)]
    public void EnsureCanPay_when_a_trial_session_or_a_credit_is_left_passes(int trialSessionsLeft, int credits)
    {
        var client = Registered() with { TrialSessionsLeft = trialSessionsLeft, Credits = credits };

        FluentActions.Invoking(() => ClientDecisions.EnsureCanPay(client)).Should().NotThrow();
    }

    [Fact]
    public void EnsureCanPay_when_neither_is_left_is_payment_required()
    {
        FluentActions.Invoking(() => ClientDecisions.EnsureCanPay(Registered()))
            .Should().Throw<DomainException>().Which.Problem.Should().Be(ProblemNames.PaymentRequired);
    }

    [Fact]
    public void Purchase_when_credited_adds_the_package_sessions_to_the_credits()
    {
        var client = Registered() with { Credits = 2 };

        client.Apply(new CreditsPurchased(client.Id, Guid.CreateVersion7(), 5, Now)).Credits.Should().Be(7);
    }

    [Fact]
    public void Return_when_the_session_was_paid_with_the_trial_gives_back_the_trial_session()
    {
        var client = Registered() with { TrialSessionsLeft = 0, Credits = 2 };

        var returned = client.Apply(new CreditReturned(client.Id, Guid.CreateVersion7(), CreditKinds.Trial, "ended-by-staff", Now));

        returned.Should().BeEquivalentTo(new { TrialSessionsLeft = 1, Credits = 2 });
    }

    [Fact]
    public void Return_when_the_session_was_paid_with_a_credit_gives_back_the_credit()
    {
        var client = Registered() with { TrialSessionsLeft = 0, Credits = 2 };

        var returned = client.Apply(new CreditReturned(client.Id, Guid.CreateVersion7(), CreditKinds.Paid, "ended-by-staff", Now));

        returned.Should().BeEquivalentTo(new { TrialSessionsLeft = 0, Credits = 3 });
    }

    [Fact]
    public void Expired_callback_when_the_payment_is_pending_marks_it_expired_once()
    {
        var payment = Pending();

        var (events, outcome) = PaymentDecisions.Callback(payment, "EXPIRED", 250_000, Now.AddDays(1));

        outcome.Should().Be(PaymentDecisions.MarkedExpired);
        var expired = payment.Apply((PaymentExpired)events.Single());
        expired.Status.Should().Be(PaymentStatus.Expired);
        var again = PaymentDecisions.Callback(expired, "EXPIRED", 250_000, Now.AddDays(1));
        again.Events.Should().BeEmpty();
        again.Outcome.Should().Be(PaymentDecisions.AlreadyApplied);
    }

    [Fact]
    public void Paid_callback_when_the_status_is_lower_case_credits_as_upper_case()
    {
        var (events, outcome) = PaymentDecisions.Callback(Pending(), "paid", 250_000, Now);

        outcome.Should().Be(PaymentDecisions.Credited);
        events.Should().ContainSingle().Which.Should().BeOfType<PaymentPaid>().Which.ProviderStatus.Should().Be("PAID");
    }
}
