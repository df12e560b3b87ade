using HaloBestie.Domain.Clients;

namespace HaloBestie.Domain.Tests.Clients;

public class ClientDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    private static Client Guest() => Client.Create(ClientDecisions.SignUp(Guid.CreateVersion7(), "uid-1", "anonymous", null, null, Now));

    [Fact]
    public void SignUp_when_the_token_is_anonymous_is_an_unregistered_guest_without_a_name()
    {
        var guest = Guest();

        guest.IsRegistered.Should().BeFalse();
        guest.DisplayName.Should().BeNull();
        guest.Status.Should().Be(ClientStatus.Active);
    }

    [Fact]
    public void Register_when_the_token_is_anonymous_is_a_conflict()
    {
        var act = () => ClientDecisions.Register(Guest(), "anonymous", null, null, Now);

        act.Should().Throw<DomainException>().Which.Problem.Should().Be(ProblemNames.Conflict);
    }

    [Fact]
    public void Register_when_the_token_is_from_google_records_the_registration_once()
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
    public void Suspend_or_reinstate_when_already_in_that_state_records_nothing()
    {
        var guest = Guest();
        var staff = Guid.CreateVersion7();

        var suspended = guest.Apply((ClientSuspended)ClientDecisions.Suspend(guest, "spam", staff, Now).Single());

        suspended.Status.Should().Be(ClientStatus.Suspended);
        ClientDecisions.Suspend(suspended, "again", staff, Now).Should().BeEmpty();
        ClientDecisions.Reinstate(guest, "no", staff, Now).Should().BeEmpty();
    }

    [Fact]
    public void Alias_when_computed_twice_for_one_client_is_the_same_four_digits()
    {
        var id = Guid.CreateVersion7();

        ClientAlias.Of(id).Should().Be(ClientAlias.Of(id)).And.MatchRegex(@"^Bestie #\d{4}$");
    }

    private static Client Registered() => Client.Create(ClientDecisions.SignUp(Guid.CreateVersion7(), "uid-2", "google.com", null, null, Now));

    [Fact]
    public void SignUp_when_the_token_is_not_anonymous_is_registered_from_that_moment()
    {
        var client = Registered();

        client.IsRegistered.Should().BeTrue();
        client.RegisteredAt.Should().Be(Now);
        Guest().RegisteredAt.Should().BeNull();
    }

    [Fact]
    public void SignIn_when_a_guest_brings_a_non_anonymous_token_registers_it()
    {
        var guest = Guest();

        var registered = guest.Apply((ClientRegistered)ClientDecisions.SignIn(guest, "phone", null, "+6281234567890", Now.AddDays(1)).Single());

        registered.Should().BeEquivalentTo(new { IsRegistered = true, SignInProvider = "phone", PhoneNumber = "+6281234567890", RegisteredAt = Now.AddDays(1) });
    }

    [Fact]
    public void SignIn_when_a_guest_signs_in_anonymously_again_records_nothing()
    {
        ClientDecisions.SignIn(Guest(), "anonymous", null, null, Now).Should().BeEmpty();
    }

    [Fact]
    public void SignIn_when_already_registered_records_nothing_whatever_the_provider()
    {
        ClientDecisions.SignIn(Registered(), "apple.com", "b@example.com", null, Now).Should().BeEmpty();
    }

    [Fact]
    public void Register_when_the_token_lacks_an_email_or_phone_keeps_the_ones_known()
    {
        var guest = Client.Create(ClientDecisions.SignUp(Guid.CreateVersion7(), "uid-3", "anonymous", "old@example.com", "+6281100000000", Now));

        var registered = guest.Apply(new ClientRegistered(guest.Id, "google.com", null, null, Now));

        registered.Email.Should().Be("old@example.com");
        registered.PhoneNumber.Should().Be("+6281100000000");
    }

    [Fact]
    public void Register_when_the_token_brings_an_email_and_phone_replaces_the_ones_known()
    {
        var guest = Client.Create(ClientDecisions.SignUp(Guid.CreateVersion7(), "uid-3", "anonymous", "old@example.com", "+6281100000000", Now));

        var registered = guest.Apply(new ClientRegistered(guest.Id, "phone", "new@example.com", "+6281299999999", Now));

        registered.Email.Should().Be("new@example.com");
        registered.PhoneNumber.Should().Be("+6281299999999");
    }

    [Fact]
    public void SetDisplayName_when_the_name_changes_records_it_and_when_unchanged_records_nothing()
    {
        var guest = Guest();

        var named = guest.Apply((ClientDisplayNameSet)ClientDecisions.SetDisplayName(guest, "Sekar", Now).Single());

        named.DisplayName.Should().Be("Sekar");
        ClientDecisions.SetDisplayName(named, "Sekar", Now.AddMinutes(1)).Should().BeEmpty();
        ClientDecisions.SetDisplayName(named, "Sekar Ayu", Now.AddMinutes(1)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new ClientDisplayNameSet(named.Id, "Sekar Ayu", Now.AddMinutes(1)));
    }

    [Fact]
    public void Reinstate_when_suspended_records_it_and_clears_the_reason()
    {
        var guest = Guest();
        var staff = Guid.CreateVersion7();
        var suspended = guest.Apply((ClientSuspended)ClientDecisions.Suspend(guest, "spam", staff, Now).Single());

        var reinstated = suspended.Apply((ClientReinstated)ClientDecisions.Reinstate(suspended, "appeal accepted", staff, Now.AddDays(1)).Single());

        reinstated.Should().BeEquivalentTo(new { Status = ClientStatus.Active, SuspensionReason = (string?)null, UpdatedAt = Now.AddDays(1) });
    }

    [Fact]
    public void Alias_when_computed_by_any_release_is_the_same_for_the_same_client()
    {
        // "Stable per client" (PRODUCT.md): a mitra sees the same alias in every session and in
        // history, across releases too, so the formula may not change and one value is pinned
        // (the last four bytes of the id, little-endian, mod 9000, + 1000).
        var id = Guid.Parse("0190f5a2-7c3e-7b41-9d2e-5f6a7b8c9d0e");

        ClientAlias.Of(id).Should().Be("Bestie #2139");
        ClientAlias.Of(Guid.Parse("0190f5a2-7c3e-7b41-9d2e-5f6a00000001")).Should().Be("Bestie #2216");
    }
}
