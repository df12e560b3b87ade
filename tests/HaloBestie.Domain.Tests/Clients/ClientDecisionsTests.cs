using HaloBestie.Domain.Clients;

namespace HaloBestie.Domain.Tests.Clients;

public class ClientDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    private static Client Guest() => Client.Create(ClientDecisions.SignUp(Guid.CreateVersion7(), "uid-1", "anonymous", null, null, Now));

    [Fact]
    public void A_guest_signs_up_unregistered_without_a_name()
    {
        var guest = Guest();

        guest.IsRegistered.Should().BeFalse();
        guest.DisplayName.Should().BeNull();
        guest.Status.Should().Be(ClientStatus.Active);
    }

    [Fact]
    public void Registering_with_an_anonymous_token_is_a_conflict()
    {
        var act = () => ClientDecisions.Register(Guest(), "anonymous", null, null, Now);

        act.Should().Throw<DomainException>().Which.Problem.Should().Be(ProblemNames.Conflict);
    }

    [Fact]
    public void Registering_with_google_records_registration_once()
    {
        var guest = Guest();

        var events = ClientDecisions.Register(guest, "google.com", "a@example.com", null, Now);
        var registered = guest.Apply((ClientRegistered)events.Single());

        registered.IsRegistered.Should().BeTrue();
        registered.Email.Should().Be("a@example.com");
        ClientDecisions.Register(registered, "google.com", null, null, Now).Should().BeEmpty();
        ClientDecisions.SignIn(registered, "anonymous", null, null, Now).Should().BeEmpty();
    }

    [Fact]
    public void Suspending_twice_records_one_suspension_and_reinstating_an_active_client_nothing()
    {
        var guest = Guest();
        var staff = Guid.CreateVersion7();

        var suspended = guest.Apply((ClientSuspended)ClientDecisions.Suspend(guest, "spam", staff, Now).Single());

        suspended.Status.Should().Be(ClientStatus.Suspended);
        ClientDecisions.Suspend(suspended, "again", staff, Now).Should().BeEmpty();
        ClientDecisions.Reinstate(guest, "no", staff, Now).Should().BeEmpty();
    }

    [Fact]
    public void The_alias_is_stable_per_client_and_four_digits()
    {
        var id = Guid.CreateVersion7();

        ClientAlias.Of(id).Should().Be(ClientAlias.Of(id)).And.MatchRegex(@"^Bestie #\d{4}$");
    }
}
