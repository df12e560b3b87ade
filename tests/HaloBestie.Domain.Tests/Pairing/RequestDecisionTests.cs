using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Tests.Specs;

namespace HaloBestie.Domain.Tests.Pairing;

/// <summary><see cref="PairingDecisions.Request(Client, OpenPairing, Guid, string?, string?, TimeSpan, DateTimeOffset)"/>: "Mulai Curhat" and the order of its refusals.</summary>
public class RequestDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid ClientId = Guid.CreateVersion7();
    private static readonly Guid RequestId = Guid.CreateVersion7();
    private static readonly OpenPairing Nothing = new(SessionId: null, RequestId: null);
    private static readonly Guid OpenSessionId = Guid.CreateVersion7();
    private static readonly Guid OpenRequestId = Guid.CreateVersion7();

    private static readonly object SignedUp = new ClientSignedUp(ClientId, "uid-1", "google.com", null, null, Now.AddDays(-1));
    private static readonly object Trial = new TrialGranted(ClientId, 1, Now.AddDays(-1));

    private static PairingRequested Request(Client client, OpenPairing open) =>
        PairingDecisions.Request(client, open, RequestId, "Keluarga", "capek", TimeSpan.FromSeconds(60), Now);

    [Fact]
    public void Request_when_registered_free_and_able_to_pay_returns_the_request_with_its_deadline()
    {
        Request(Given.Stream<Client>(SignedUp, Trial), Nothing)
            .Should().Be(new PairingRequested(RequestId, ClientId, "Keluarga", "capek", Now.AddSeconds(60), Now));
    }

    [Fact]
    public void Request_when_a_guest_returns_registration_required_before_anything_else()
    {
        var guest = Given.Stream<Client>(new ClientSignedUp(ClientId, "uid-1", Client.AnonymousProvider, null, null, Now.AddDays(-1)));

        Then.Problem(() => Request(guest, new OpenPairing(OpenSessionId, OpenRequestId)), ProblemNames.RegistrationRequired);
    }

    [Fact]
    public void Request_when_suspended_returns_suspended_before_what_is_open()
    {
        var suspended = Given.Stream<Client>(SignedUp, Trial, new ClientSuspended(ClientId, "abuse", Guid.CreateVersion7(), Now.AddHours(-1)));

        Then.Problem(() => Request(suspended, new OpenPairing(OpenSessionId, OpenRequestId)), ProblemNames.Suspended);
    }

    [Fact]
    public void Request_when_in_a_session_returns_already_in_session_before_already_searching()
    {
        var client = Given.Stream<Client>(SignedUp, Trial);

        Then.Problem(() => Request(client, new OpenPairing(OpenSessionId, OpenRequestId)), ProblemNames.AlreadyInSession);
        Then.Problem(() => Request(client, new OpenPairing(null, OpenRequestId)), ProblemNames.AlreadySearching);
    }

    [Fact]
    public void Request_when_something_is_open_names_it_so_a_retried_tap_can_find_it()
    {
        var client = Given.Stream<Client>(SignedUp, Trial);

        FluentActions.Invoking(() => Request(client, new OpenPairing(OpenSessionId, null))).Should().Throw<DomainException>()
            .Which.Extensions.Should().Equal(new Dictionary<string, object> { ["sessionId"] = OpenSessionId });
        FluentActions.Invoking(() => Request(client, new OpenPairing(null, OpenRequestId))).Should().Throw<DomainException>()
            .Which.Extensions.Should().Equal(new Dictionary<string, object> { ["requestId"] = OpenRequestId });
    }

    [Fact]
    public void Request_when_nothing_is_left_to_pay_with_returns_payment_required_last()
    {
        var client = Given.Stream<Client>(SignedUp);

        Then.Problem(() => Request(client, new OpenPairing(null, OpenRequestId)), ProblemNames.AlreadySearching);
        Then.Problem(() => Request(client, Nothing), ProblemNames.PaymentRequired);
    }
}
