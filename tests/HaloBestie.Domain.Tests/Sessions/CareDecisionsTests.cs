using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Sessions;
using HaloBestie.Domain.Tests.Specs;

namespace HaloBestie.Domain.Tests.Sessions;

/// <summary>Care and safety (PRODUCT.md §9): risk phrases, flags and their acknowledgement, and the client's rating.</summary>
public class CareDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid SessionId = Guid.CreateVersion7();
    private static readonly Guid ClientId = Guid.CreateVersion7();
    private static readonly Guid MitraId = Guid.CreateVersion7();
    private static readonly SessionStarted Started = new(SessionId, Guid.CreateVersion7(), ClientId, MitraId, Now.AddHours(1), Now, CreditKinds.Paid);

    private static MessageSent Message(string text, string sender = MessageSenders.Client) =>
        new(SessionId, Guid.CreateVersion7(), 7, sender, sender == MessageSenders.Client ? ClientId : MitraId, text, Now);

    [Theory]
    [InlineData("aku mau bunuh diri aja", "bunuh diri")]
    [InlineData("AKU PENGEN MATI", "pengen mati")]
    [InlineData("rasanya pengen bundiiir", "bundir")]
    [InlineData("b*nuh d1ri", "bunuh diri")]
    [InlineData("bunuh-diri", "bunuh diri")]
    [InlineData("bunuhdiri", "bunuh diri")]
    [InlineData("gak mau hidup lagiii", "gak mau hidup lagi")]
    [InlineData("I want to k!ll my$elf", "kill myself")]
    [InlineData("thinking about SUICIDE", "suicide")]
    [InlineData("pikiran untuk mènyakiti diri", "menyakiti diri")]
    public void FirstMatch_when_a_phrase_is_written_in_another_spelling_still_matches(string text, string phrase) =>
        RiskPhrases.FirstMatch(text, RiskPhrases.Defaults).Should().Be(phrase);

    [Theory]
    [InlineData("hari ini aku capek kerja")]
    [InlineData("aku suka matematika")]
    [InlineData("bunuh nyamuk di kamar")]
    [InlineData("")]
    public void FirstMatch_when_no_phrase_is_there_is_null(string text) =>
        RiskPhrases.FirstMatch(text, RiskPhrases.Defaults).Should().BeNull();

    [Fact]
    public void Normalize_when_letters_repeat_or_stand_in_reads_one_plain_letter_each()
    {
        RiskPhrases.Normalize("Bunuuuh  D1RI!!").Should().Be("bunuhdiri");
        RiskPhrases.Normalize("m4t! *").Should().Be("mati*");
        RiskPhrases.Normalize("éè").Should().Be("e");
    }

    [Fact]
    public void FlagRisk_when_the_client_writes_a_phrase_flags_its_message_and_never_for_the_mitra_or_the_system()
    {
        var flagId = Guid.CreateVersion7();

        ConversationDecisions.FlagRisk(Message("aku ingin mati"), RiskPhrases.Defaults, flagId)
            .Should().Be(new RiskFlagRaised(SessionId, flagId, 7, "ingin mati", Now));
        ConversationDecisions.FlagRisk(Message("apa kamu ingin mati?", MessageSenders.Mitra), RiskPhrases.Defaults, flagId).Should().BeNull();
        ConversationDecisions.FlagRisk(Message("ingin mati", MessageSenders.System), RiskPhrases.Defaults, flagId).Should().BeNull();
        ConversationDecisions.FlagRisk(Message("aku baik-baik saja"), RiskPhrases.Defaults, flagId).Should().BeNull();
        ConversationDecisions.FlagRisk(Message("kata khusus"), ["kata khusus"], flagId).Should().NotBeNull("admins edit the list");
    }

    [Fact]
    public void Acknowledge_when_open_closes_the_flag_and_the_second_time_is_conflict()
    {
        var flag = RiskFlag.Create(new RiskFlagRaised(SessionId, Guid.CreateVersion7(), 7, "bundir", Now));
        var staff = Guid.CreateVersion7();

        var acknowledged = ConversationDecisions.Acknowledge(flag, staff, "sudah ditelepon", Now.AddMinutes(3));
        var closed = flag.Apply(acknowledged);

        flag.IsOpen.Should().BeTrue();
        closed.Should().BeEquivalentTo(new { IsOpen = false, AcknowledgedAt = (DateTimeOffset?)Now.AddMinutes(3), AcknowledgedBy = (Guid?)staff, Note = "sudah ditelepon" });
        Then.Problem(() => ConversationDecisions.Acknowledge(closed, staff, "lagi", Now), ProblemNames.Conflict);
    }

    [Fact]
    public void Rate_when_the_session_ended_records_it_once()
    {
        var ended = Given.Stream<Session>(Started, new SessionEnded(SessionId, SessionActors.Client, ClientId, SessionEndReasons.EndedByClient, Now));

        var rated = SessionDecisions.Rate(ended, ClientId, 5, "  terima kasih  ", Now);

        rated.Should().Be(new SessionRated(SessionId, 5, "terima kasih", Now));
        ended.Apply(rated).Should().BeEquivalentTo(new { RatingStars = (int?)5, RatingComment = "terima kasih", RatedAt = (DateTimeOffset?)Now });
        SessionDecisions.Rate(ended, ClientId, 1, "   ", Now).Comment.Should().BeNull();
        Then.Problem(() => SessionDecisions.Rate(ended.Apply(rated), ClientId, 4, null, Now), ProblemNames.AlreadyRated);
    }

    [Fact]
    public void Rate_when_active_or_not_the_clients_or_out_of_range_is_refused_in_that_order()
    {
        var active = Given.Stream<Session>(Started);
        var ended = active.Apply(new SessionEnded(SessionId, SessionActors.System, null, SessionEndReasons.TimeUp, Now));

        Then.Problem(() => SessionDecisions.Rate(active, Guid.CreateVersion7(), 9, null, Now), ProblemNames.NotFound);
        Then.Problem(() => SessionDecisions.Rate(active, ClientId, 9, null, Now), ProblemNames.SessionActive);
        Then.Problem(() => SessionDecisions.Rate(ended, ClientId, 0, null, Now), ProblemNames.Validation);
        Then.Problem(() => SessionDecisions.Rate(ended, ClientId, 6, null, Now), ProblemNames.Validation);
        Then.Problem(() => SessionDecisions.Rate(ended, ClientId, 3, new string('x', 1001), Now), ProblemNames.Validation);
        FluentActions.Invoking(() => SessionDecisions.Rate(ended, ClientId, 0, null, Now)).Should().Throw<InvalidFieldException>()
            .Which.Should().BeEquivalentTo(new { Field = "stars", Refusal = new Refusal(ValidationCodes.StarsRange, "A rating has 1 to 5 stars.") });
        FluentActions.Invoking(() => SessionDecisions.Rate(ended, ClientId, 3, new string('x', 1001), Now)).Should().Throw<InvalidFieldException>()
            .Which.Should().BeEquivalentTo(new { Field = "comment", Refusal = new Refusal(ValidationCodes.CommentTooLong, "A comment has at most 1000 characters.") });
        SessionDecisions.Rate(ended, ClientId, 1, new string('x', 1000), Now).Stars.Should().Be(1);
    }

    [Fact]
    public void Defaults_when_shipped_are_each_a_phrase_of_letters_that_matches_itself_in_a_message()
    {
        RiskPhrases.Defaults.Should().OnlyHaveUniqueItems();
        foreach (var phrase in RiskPhrases.Defaults)
        {
            RiskPhrases.Normalize(phrase).Length.Should().BeGreaterThanOrEqualTo(5, phrase);
            RiskPhrases.FirstMatch($"jujur aku {phrase} sekarang", [phrase]).Should().Be(phrase);
        }
    }

    [Fact]
    public void FirstMatch_when_a_phrase_has_no_letters_or_a_star_ignores_them()
    {
        RiskPhrases.FirstMatch("halo semua", ["...", "  "]).Should().BeNull("a phrase without letters matches nothing");
        RiskPhrases.FirstMatch("aku pengen bundir", ["bun*dir"]).Should().Be("bun*dir", "a star in a phrase is dropped");
        RiskPhrases.FirstMatch("lone \ud800", ["lone"]).Should().Be("lone", "text that is not valid Unicode is read as it is");
        RiskPhrases.Normalize("Zebra a-z").Should().Be("zebraz", "a and z are letters like the others; runs collapse across spaces");
    }
}
