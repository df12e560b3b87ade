using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Payments;

namespace HaloBestie.Domain.Tests.Payments;

public class EntitlementDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    private static Client Registered() => Client.Create(ClientDecisions.SignUp(Guid.CreateVersion7(), "uid", "google.com", null, null, Now));

    [Fact]
    public void The_trial_is_granted_once_and_only_to_registered_clients()
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
    public void A_session_spends_the_trial_first_then_credits_and_never_goes_below_zero()
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
    public void A_paid_callback_credits_once_and_only_for_the_invoiced_amount()
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
}
