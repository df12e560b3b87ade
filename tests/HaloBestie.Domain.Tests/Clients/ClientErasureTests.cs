using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Payments;
using HaloBestie.Domain.Sessions;
using HaloBestie.Domain.Tests.Specs;

namespace HaloBestie.Domain.Tests.Clients;

/// <summary><see cref="ClientErasure"/> and <see cref="ConversationErasure"/>: who may erase, what each event keeps once masked, retention (PRODUCT.md §11).</summary>
public class ClientErasureTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid ClientId = Guid.CreateVersion7();
    private static readonly ClientSignedUp SignedUp = new(ClientId, "firebase-uid-1", "google.com", "putri@example.com", "+6281234567890", Now);

    private static Client Registered() => Given.Stream<Client>(SignedUp, new ClientDisplayNameSet(ClientId, "Putri Ayu", Now), new TrialGranted(ClientId, 1, Now));

    [Theory]
    [InlineData(0)]
    [InlineData(-299)]
    [InlineData(-300)]
    [InlineData(30)]
    [InlineData(300)] // a clock 5 minutes ahead of ours
    public void EnsureRecentSignIn_within_5_minutes_of_the_sign_in_allows_the_erasure(int seconds) =>
        ClientErasure.EnsureRecentSignIn(Now.AddSeconds(seconds), Now);

    [Theory]
    [InlineData(-301)]
    [InlineData(-86_400)]
    [InlineData(301)]
    public void EnsureRecentSignIn_longer_ago_or_from_the_future_is_reauthentication_required(int seconds) =>
        Then.Problem(() => ClientErasure.EnsureRecentSignIn(Now.AddSeconds(seconds), Now), ProblemNames.ReauthenticationRequired);

    [Fact]
    public void EnsureRecentSignIn_without_auth_time_is_reauthentication_required() =>
        Then.Problem(() => ClientErasure.EnsureRecentSignIn(null, Now), ProblemNames.ReauthenticationRequired);

    [Fact]
    public void Erase_once_leaves_no_personal_field_and_keeps_counts_then_records_nothing_more()
    {
        var client = Registered();

        var erased = client.Apply((ClientErased)ClientErasure.Erase(client, Now.AddDays(1)).Single());

        erased.Should().BeEquivalentTo(new
        {
            Id = ClientId, FirebaseUid = $"erased:{ClientId:N}", DisplayName = (string?)null, Email = (string?)null, PhoneNumber = (string?)null,
            TrialSessionsLeft = 1, TrialGranted = true, IsRegistered = true, ErasedAt = Now.AddDays(1), UpdatedAt = Now.AddDays(1), EventsMaskedAt = (DateTimeOffset?)null,
        });
        erased.IsErased.Should().BeTrue();
        client.IsErased.Should().BeFalse();
        ClientErasure.Erase(erased, Now).Should().BeEmpty("a retry after a lost answer records nothing");
    }

    [Fact]
    public void EventsMasked_is_recorded_once_and_only_for_an_erased_client()
    {
        var client = Registered();
        ClientErasure.EventsMasked(client, Now).Should().BeEmpty();
        var erased = Given.Stream<Client>(SignedUp, new ClientErased(ClientId, Now));

        var masked = erased.Apply((ClientEventsMasked)ClientErasure.EventsMasked(erased, Now).Single());

        masked.EventsMaskedAt.Should().Be(Now);
        ClientErasure.EventsMasked(masked, Now).Should().BeEmpty();
    }

    [Fact]
    public void Mask_of_the_clients_events_empties_the_personal_fields_and_keeps_ids_times_and_amounts()
    {
        ClientErasure.Mask(SignedUp).Should().Be(SignedUp with { FirebaseUid = $"erased:{ClientId:N}", Email = null, PhoneNumber = null });
        var registered = new ClientRegistered(ClientId, "apple.com", "a@b.c", "+628", Now);
        ClientErasure.Mask(registered).Should().Be(registered with { Email = null, PhoneNumber = null });
        ClientErasure.Mask(new ClientDisplayNameSet(ClientId, "Putri", Now)).Should().Be(new ClientDisplayNameSet(ClientId, "", Now));
        var requested = new PairingRequested(Guid.CreateVersion7(), ClientId, "Keluarga", "aku sedih", Now.AddMinutes(1), Now);
        ClientErasure.Mask(requested).Should().Be(requested with { Note = null }, "the topic is the platform's word, the note the client's");
        var created = new PaymentCreated(Guid.CreateVersion7(), ClientId, Guid.CreateVersion7(), "Paket 5", 5, 250_000, "inv_1", "https://checkout.xendit.co/x", Now.AddDays(1), Now);
        ClientErasure.Mask(created).Should().Be(created with { InvoiceUrl = "" });
    }

    [Fact]
    public void EraseRequest_drops_the_note_once()
    {
        var request = PairingRequest.Create(new PairingRequested(Guid.CreateVersion7(), ClientId, null, "catatan", Now.AddMinutes(1), Now));

        var erased = request.Apply((PairingRequestErased)ClientErasure.EraseRequest(request, Now).Single());

        erased.Note.Should().BeNull();
        erased.Should().Be(request with { Note = null });
        ClientErasure.EraseRequest(erased, Now).Should().BeEmpty();
    }

    [Fact]
    public void ErasePayment_drops_the_invoice_address_once_and_keeps_the_amount()
    {
        var payment = Payment.Create(new PaymentCreated(Guid.CreateVersion7(), ClientId, Guid.CreateVersion7(), "Paket 5", 5, 250_000, "inv_1", "https://checkout.xendit.co/x", Now.AddDays(1), Now));

        var erased = payment.Apply((PaymentPayerErased)ClientErasure.ErasePayment(payment, Now).Single());

        erased.Should().Be(payment with { InvoiceUrl = "" });
        ClientErasure.ErasePayment(erased, Now).Should().BeEmpty();
    }

    [Fact]
    public void Request_by_an_erased_client_is_forbidden() =>
        Then.Problem(() => PairingDecisions.Request(Given.Stream<Client>(SignedUp, new ClientErased(ClientId, Now)), new OpenPairing(null, null),
            Guid.CreateVersion7(), null, null, TimeSpan.FromMinutes(1), Now), ProblemNames.Forbidden);
}

public class ConversationErasureTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid SessionId = Guid.CreateVersion7();
    private static readonly SessionStarted Started = new(SessionId, Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Now.AddHours(1), Now, CreditKinds.Trial);

    private static Session Ended(DateTimeOffset at) => Given.Stream<Session>(
        Started,
        new MessageSent(SessionId, Guid.CreateVersion7(), 1, MessageSenders.Client, Started.ClientId, "halo", Now),
        new SessionEnded(SessionId, SessionActors.Client, Started.ClientId, SessionEndReasons.EndedByClient, at, "makasih ya"),
        new SessionRated(SessionId, 5, "membantu sekali", at));

    [Fact]
    public void Mask_of_a_partys_message_empties_and_marks_its_text_and_leaves_the_systems_own()
    {
        var said = new MessageSent(SessionId, Guid.CreateVersion7(), 2, MessageSenders.Mitra, Guid.CreateVersion7(), "aku dengar", Now);
        var system = new MessageSent(SessionId, Guid.CreateVersion7(), 1, MessageSenders.System, null, "Sesi dimulai.", Now, SystemMessageKinds.Start);

        ConversationErasure.Mask(said).Should().Be(said with { Text = "", Erased = true });
        ConversationErasure.Mask(system).Should().Be(system);
        ConversationErasure.Mask(new SessionRated(SessionId, 4, "ok", Now)).Should().Be(new SessionRated(SessionId, 4, null, Now));
        var ended = new SessionEnded(SessionId, SessionActors.Client, Started.ClientId, SessionEndReasons.EndedByClient, Now, "dah");
        ConversationErasure.Mask(ended).Should().Be(ended with { Message = null });
    }

    [Fact]
    public void Erase_of_an_ended_session_is_recorded_once_and_drops_the_words_kept_on_the_session()
    {
        var session = Ended(Now);

        var erased = session.Apply((ConversationErased)ConversationErasure.Erase(session, ConversationErasureReasons.Retention, Now.AddDays(2)).Single());

        erased.Should().BeEquivalentTo(new
        {
            RatingComment = (string?)null, EndMessage = (string?)null, RatingStars = 5, LastSeq = 1L,
            ConversationErasedAt = Now.AddDays(2), ConversationErasedReason = ConversationErasureReasons.Retention,
        });
        ConversationErasure.Erase(erased, ConversationErasureReasons.ClientDeleted, Now).Should().BeEmpty();
        ((ConversationErased)ConversationErasure.Erase(session, ConversationErasureReasons.ClientDeleted, Now).Single()).UpToSeq.Should().Be(1);
    }

    [Fact]
    public void Erase_of_an_active_session_is_refused() =>
        Then.Problem(() => ConversationErasure.Erase(Given.Stream<Session>(Started), ConversationErasureReasons.Retention, Now), ProblemNames.SessionActive);

    [Theory]
    [InlineData(2, -49, true)] // ended 49 hours before: past 2 days
    [InlineData(2, -48, true)] // exactly on the cutoff
    [InlineData(2, -47, false)]
    [InlineData(0, -100_000, false)] // 0 keeps forever
    public void IsPastRetention_compares_the_end_with_the_cutoff(int days, int endedHoursAgo, bool past) =>
        ConversationErasure.IsPastRetention(Ended(Now.AddHours(endedHoursAgo)), days, Now).Should().Be(past);

    [Fact]
    public void IsPastRetention_is_false_while_active_and_once_erased()
    {
        ConversationErasure.IsPastRetention(Given.Stream<Session>(Started), 1, Now.AddDays(30)).Should().BeFalse();
        var erased = Ended(Now).Apply(new ConversationErased(SessionId, ConversationErasureReasons.ClientDeleted, 1, Now));
        ConversationErasure.IsPastRetention(erased, 1, Now.AddDays(30)).Should().BeFalse();
    }
}
