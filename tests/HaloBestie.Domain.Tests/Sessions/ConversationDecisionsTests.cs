using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Sessions;
using HaloBestie.Domain.Tests.Specs;

namespace HaloBestie.Domain.Tests.Sessions;

/// <summary><see cref="ConversationDecisions"/>: who may write, when, what a text may hold, the one order and the read marks (PRODUCT.md §8).</summary>
public class ConversationDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid SessionId = Guid.CreateVersion7();
    private static readonly Guid ClientId = Guid.CreateVersion7();
    private static readonly Guid MitraA = Guid.CreateVersion7();
    private static readonly Guid MitraB = Guid.CreateVersion7();
    private static readonly SessionStarted Started = new(SessionId, Guid.CreateVersion7(), ClientId, MitraA, Now.AddHours(1), Now, CreditKinds.Trial);

    private static Session Active(params object[] more) => Given.Stream<Session>([Started, ConversationDecisions.Opening(Started), .. more]);

    private static MessageSent Said(Session session, string sender, Guid id, string text = "halo") =>
        ((Sent)ConversationDecisions.Send(session, sender, id, Guid.CreateVersion7(), text, null, Now)).Message;

    [Fact]
    public void Opening_when_a_session_starts_is_the_system_message_with_seq_1()
    {
        var opening = ConversationDecisions.Opening(Started);

        opening.Should().BeEquivalentTo(new { SessionId, Seq = 1L, Sender = MessageSenders.System, SenderId = (Guid?)null, Kind = SystemMessageKinds.Start, At = Now });
        opening.MessageId.Should().Be(ConversationDecisions.Opening(Started).MessageId, "a decision made twice names its system message the same");
        Active().LastSeq.Should().Be(1);
    }

    [Fact]
    public void Send_when_both_parties_write_gives_each_message_the_next_seq()
    {
        var first = Said(Active(), MessageSenders.Client, ClientId, "aku capek banget");
        var second = Said(Active(first), MessageSenders.Mitra, MitraA, "aku di sini, cerita ya");

        first.Should().BeEquivalentTo(new { Seq = 2L, Sender = MessageSenders.Client, SenderId = (Guid?)ClientId, Text = "aku capek banget", Kind = (string?)null });
        second.Should().BeEquivalentTo(new { Seq = 3L, Sender = MessageSenders.Mitra, SenderId = (Guid?)MitraA });
        Active(first, second).LastSeq.Should().Be(3);
    }

    [Fact]
    public void Send_when_the_id_was_sent_with_the_same_text_is_already_sent_even_after_the_end()
    {
        var session = Active();
        var sent = Said(session, MessageSenders.Client, ClientId, " halo\n");
        var ended = session.Then([sent, new SessionEnded(SessionId, SessionActors.Client, ClientId, SessionEndReasons.EndedByClient, Now)]);

        ConversationDecisions.Send(ended, MessageSenders.Client, ClientId, sent.MessageId, " halo\n", SessionMessage.Of(sent), Now)
            .Should().Be(new AlreadySent(SessionMessage.Of(sent)));
    }

    [Theory]
    [InlineData("halo lagi", MessageSenders.Client)] // other text
    [InlineData("halo", MessageSenders.Mitra)]       // other sender
    public void Send_when_the_id_was_used_otherwise_is_conflict(string text, string sender)
    {
        var session = Active();
        var stored = SessionMessage.Of(Said(session, MessageSenders.Client, ClientId, "halo"));

        Then.Problem(() => ConversationDecisions.Send(session, sender, sender == MessageSenders.Client ? ClientId : MitraA, stored.Id, text, stored, Now), ProblemNames.Conflict);
    }

    [Fact]
    public void Send_when_the_id_belongs_to_another_session_is_conflict()
    {
        var stored = SessionMessage.Of(Said(Active(), MessageSenders.Client, ClientId)) with { SessionId = Guid.CreateVersion7() };

        Then.Problem(() => ConversationDecisions.Send(Active(), MessageSenders.Client, ClientId, stored.Id, stored.Text, stored, Now), ProblemNames.Conflict);
    }

    [Fact]
    public void Send_when_the_session_has_ended_is_session_ended()
    {
        var ended = Active(new SessionEnded(SessionId, SessionActors.System, null, SessionEndReasons.TimeUp, Now));

        Then.Problem(() => Said(ended, MessageSenders.Client, ClientId), ProblemNames.SessionEnded);
        Then.Problem(() => Said(ended, MessageSenders.Mitra, MitraA), ProblemNames.SessionEnded);
    }

    [Fact]
    public void Send_when_the_caller_never_took_part_is_not_found_before_anything_else()
    {
        var stored = SessionMessage.Of(Said(Active(), MessageSenders.Client, ClientId));

        Then.Problem(() => Said(Active(), MessageSenders.Client, Guid.CreateVersion7()), ProblemNames.NotFound);
        Then.Problem(() => Said(Active(), MessageSenders.Mitra, MitraB), ProblemNames.NotFound);
        Then.Problem(() => Said(Active(), MessageSenders.Mitra, ClientId), ProblemNames.NotFound);
        Then.Problem(() => ConversationDecisions.Send(Active(), MessageSenders.Mitra, MitraB, stored.Id, stored.Text, stored, Now), ProblemNames.NotFound);
    }

    [Fact]
    public void Send_when_the_session_was_rerouted_lets_the_new_mitra_write_and_not_the_previous_one()
    {
        var said = Said(Active(), MessageSenders.Client, ClientId);
        var rerouted = Active(said, new SessionRerouted(SessionId, MitraA, MitraB, "sakit", false, Guid.CreateVersion7(), Now));

        Then.Problem(() => Said(rerouted, MessageSenders.Mitra, MitraA), ProblemNames.SessionEnded);
        Said(rerouted, MessageSenders.Mitra, MitraB).Seq.Should().Be(3);
        rerouted.ReadableUpTo(MessageSenders.Mitra, MitraA).Should().Be(2, "the previous mitra keeps what was said up to the handover");
        rerouted.ReadableUpTo(MessageSenders.Mitra, MitraB).Should().Be(long.MaxValue, "the new mitra reads the whole conversation");
        rerouted.ReadableUpTo(MessageSenders.Client, ClientId).Should().Be(long.MaxValue);
        rerouted.ReadableUpTo(MessageSenders.Client, MitraB).Should().BeNull();
    }

    [Fact]
    public void Reroute_when_it_returns_to_a_previous_mitra_makes_it_current_again()
    {
        var toB = new SessionRerouted(SessionId, MitraA, MitraB, "a", false, Guid.CreateVersion7(), Now);
        var backToA = new SessionRerouted(SessionId, MitraB, MitraA, "b", false, Guid.CreateVersion7(), Now);
        var session = Active(toB, backToA);

        session.ReadableUpTo(MessageSenders.Mitra, MitraA).Should().Be(long.MaxValue);
        session.ReadableUpTo(MessageSenders.Mitra, MitraB).Should().Be(1);
        session.FormerMitras.Should().ContainSingle();
    }

    [Theory]
    [InlineData("a")]
    [InlineData("  halo  ")]
    [InlineData("baris satu\nbaris dua\tdengan tab")]
    [InlineData("emoji 😢 dan é")]
    public void IsValidText_when_the_text_follows_the_rules_is_true(string text) =>
        ConversationDecisions.IsValidText(text, out _).Should().BeTrue();

    [Theory]
    [InlineData(null, ValidationCodes.TextRequired)]
    [InlineData("", ValidationCodes.TextRequired)]
    [InlineData(" \n\t ", ValidationCodes.TextRequired)]
    [InlineData("halo\r\n", ValidationCodes.TextControlCharacter)]
    [InlineData("nul\0", ValidationCodes.TextControlCharacter)]
    [InlineData("bell\u0007", ValidationCodes.TextControlCharacter)]
    [InlineData("next line\u0085", ValidationCodes.TextControlCharacter)]
    public void IsValidText_when_the_text_is_empty_or_holds_other_control_characters_is_false(string? text, string code)
    {
        ConversationDecisions.IsValidText(text, out var error).Should().BeFalse();
        error!.Code.Should().Be(code);
        error.Message.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Send_when_the_text_breaks_a_rule_refuses_the_text_field_with_its_code()
    {
        FluentActions.Invoking(() => ConversationDecisions.Send(Active(), MessageSenders.Client, ClientId, Guid.CreateVersion7(), "  ", null, Now))
            .Should().Throw<InvalidFieldException>()
            .Which.Should().BeEquivalentTo(new { Field = "text", Problem = ProblemNames.Validation, Refusal = new { Code = ValidationCodes.TextRequired } });
    }

    [Fact]
    public void IsValidText_when_a_control_character_is_refused_says_which_ones_are_allowed()
    {
        ConversationDecisions.IsValidText("bell\u0007", out var error).Should().BeFalse();

        error!.Message.Should().Be("A message may not contain control characters other than line breaks (\\n) and tabs.");
    }

    [Fact]
    public void Send_when_the_session_is_unknown_to_the_sender_names_the_session_in_the_not_found_detail()
    {
        var session = Active();

        FluentActions.Invoking(() => ConversationDecisions.Send(session, MessageSenders.Mitra, MitraB, Guid.CreateVersion7(), "halo", null, Now))
            .Should().Throw<NotFoundException>().WithMessage($"Session {session.Id} was not found.");
    }

    [Fact]
    public void IsValidText_when_the_text_is_not_valid_unicode_is_false()
    {
        // Built here: an attribute's string cannot hold a lone surrogate.
        foreach (var text in new[] { "lone " + (char)0xD800 + " surrogate", ((char)0xDC00).ToString(), "end" + (char)0xDBFF })
        {
            ConversationDecisions.IsValidText(text, out var error).Should().BeFalse();
            error!.Code.Should().Be(ValidationCodes.NotUnicode);
            error.Message.Should().Be("The message is not valid Unicode text.");
        }
    }

    [Fact]
    public void IsValidText_when_counting_characters_counts_scalar_values_after_trimming()
    {
        ConversationDecisions.IsValidText(new string('a', 4000), out _).Should().BeTrue();
        ConversationDecisions.IsValidText("  " + new string('a', 4000) + "\n\n", out _).Should().BeTrue("spaces around the text do not count");
        ConversationDecisions.IsValidText(new string('a', 4001), out var error).Should().BeFalse();
        error!.Code.Should().Be(ValidationCodes.TextTooLong);
        error.Message.Should().Be("A message has at most 4000 characters.");
        ConversationDecisions.IsValidText(string.Concat(Enumerable.Repeat("😢", 4000)), out _).Should().BeTrue("an emoji is one character");
        ConversationDecisions.IsValidText(string.Concat(Enumerable.Repeat("😢", 4001)), out _).Should().BeFalse();
        ConversationDecisions.IsValidText(new string(' ', 10_000) + "a", out _).Should().BeFalse("a body far longer than any valid text is refused before it is read");
    }

    [Fact]
    public void Send_when_the_text_breaks_the_rules_is_validation()
    {
        Then.Problem(() => Said(Active(), MessageSenders.Client, ClientId, "   "), ProblemNames.Validation);
    }

    [Fact]
    public void Read_when_the_mark_moves_forward_records_it_and_never_backwards()
    {
        var session = Active(Said(Active(), MessageSenders.Mitra, MitraA));

        var read = ConversationDecisions.Read(session, MessageSenders.Client, ClientId, 2, Now);
        read.Should().Be(new MessagesRead(SessionId, MessageSenders.Client, ClientId, 2, Now));
        var marked = session.Apply(read!);
        marked.ClientReadUpTo.Should().Be(2);
        marked.MitraReadUpTo.Should().Be(0);
        ConversationDecisions.Read(marked, MessageSenders.Client, ClientId, 2, Now).Should().BeNull("the same mark changes nothing");
        ConversationDecisions.Read(marked, MessageSenders.Client, ClientId, 1, Now).Should().BeNull("a mark never moves back");
        marked.Apply(new MessagesRead(SessionId, MessageSenders.Client, ClientId, 1, Now)).ClientReadUpTo.Should().Be(2);
    }

    [Fact]
    public void Read_when_the_mark_is_past_the_last_message_stops_at_it()
    {
        ConversationDecisions.Read(Active(), MessageSenders.Mitra, MitraA, 99, Now)!.UpToSeq.Should().Be(1);
        ConversationDecisions.Read(Active(), MessageSenders.Mitra, MitraA, 0, Now).Should().BeNull();
    }

    [Fact]
    public void Read_when_the_session_ended_still_moves_the_mark()
    {
        var ended = Active(new SessionEnded(SessionId, SessionActors.Mitra, MitraA, SessionEndReasons.EndedByMitra, Now));

        ConversationDecisions.Read(ended, MessageSenders.Client, ClientId, 1, Now).Should().NotBeNull();
    }

    [Fact]
    public void Read_when_the_reader_was_rerouted_away_changes_nothing_and_a_stranger_is_not_found()
    {
        var rerouted = Active(new SessionRerouted(SessionId, MitraA, MitraB, "a", false, Guid.CreateVersion7(), Now));

        ConversationDecisions.Read(rerouted, MessageSenders.Mitra, MitraA, 1, Now).Should().BeNull();
        rerouted.MitraReadUpTo.Should().Be(0, "the new mitra has read nothing yet");
        Then.Problem(() => ConversationDecisions.Read(rerouted, MessageSenders.Client, MitraA, 1, Now), ProblemNames.NotFound);
    }

    [Fact]
    public void EnsureCanWrite_when_active_and_a_current_party_passes()
    {
        var act = () => ConversationDecisions.EnsureCanWrite(Active(), MessageSenders.Mitra, MitraA);
        act.Should().NotThrow();
    }

    [Fact]
    public void System_messages_when_the_session_hands_over_warns_and_ends_take_the_next_seq()
    {
        var session = Active();
        var handover = ConversationDecisions.Handover(session, "Bestie Sari", Now);
        var warning = ConversationDecisions.EndingSoon(session.Apply(handover), Now);
        var closing = ConversationDecisions.Closing(session.Apply(handover).Apply(warning), Now);

        new[] { handover, warning, closing }.Select(m => (m.Seq, m.Kind, m.Sender)).Should().Equal(
            (2L, SystemMessageKinds.Handover, MessageSenders.System), (3L, SystemMessageKinds.EndingSoon, MessageSenders.System), (4L, SystemMessageKinds.End, MessageSenders.System));
        handover.Text.Should().Contain("Bestie Sari");
        warning.Text.Should().Contain("5 menit");
        new[] { handover.MessageId, warning.MessageId, closing.MessageId, ConversationDecisions.Opening(Started).MessageId }.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Read_when_the_mitra_marks_moves_the_mitras_mark_only()
    {
        var session = Active(Said(Active(), MessageSenders.Client, ClientId));

        var marked = session.Apply(ConversationDecisions.Read(session, MessageSenders.Mitra, MitraA, 2, Now)!);

        (marked.MitraReadUpTo, marked.ClientReadUpTo).Should().Be((2L, 0L));
        (marked.ReadUpTo(MessageSenders.Mitra), marked.ReadUpTo(MessageSenders.Client)).Should().Be((2L, 0L));
        marked.Apply(new MessagesRead(SessionId, MessageSenders.Mitra, MitraA, 1, Now)).MitraReadUpTo.Should().Be(2, "a mark never moves back");
    }

    [Fact]
    public void Reroute_when_it_goes_back_and_forth_keeps_one_entry_per_former_mitra_with_its_last_handover()
    {
        var staff = Guid.CreateVersion7();
        var session = Active(
            new SessionRerouted(SessionId, MitraA, MitraB, "a", false, staff, Now),
            new MessageSent(SessionId, Guid.CreateVersion7(), 2, MessageSenders.Client, ClientId, "x", Now),
            new SessionRerouted(SessionId, MitraB, MitraA, "b", false, staff, Now),
            new MessageSent(SessionId, Guid.CreateVersion7(), 3, MessageSenders.Client, ClientId, "y", Now),
            new SessionRerouted(SessionId, MitraA, MitraB, "c", false, staff, Now));

        session.FormerMitras.Should().Equal(new FormerMitra(MitraA, 3));
        session.ReadableUpTo(MessageSenders.Mitra, Guid.CreateVersion7()).Should().BeNull("a mitra that never served it reads nothing");
    }

    [Fact]
    public void Reroute_when_the_session_passes_three_mitras_keeps_both_former_ones()
    {
        var mitraC = Guid.CreateVersion7();
        var staff = Guid.CreateVersion7();

        var session = Active(
            new SessionRerouted(SessionId, MitraA, MitraB, "a", false, staff, Now),
            new MessageSent(SessionId, Guid.CreateVersion7(), 2, MessageSenders.Client, ClientId, "x", Now),
            new SessionRerouted(SessionId, MitraB, mitraC, "b", false, staff, Now));

        session.FormerMitras.Should().Equal(new FormerMitra(MitraA, 1), new FormerMitra(MitraB, 2));
    }

    [Fact]
    public void IsValidText_when_spaces_pad_a_long_text_accepts_up_to_the_body_bound()
    {
        var padded = new string('a', 4000) + new string(' ', 4000 * 2 + 1024 - 4000);

        ConversationDecisions.IsValidText(padded, out _).Should().BeTrue("the bound is on UTF-16 units, inclusive");
        ConversationDecisions.IsValidText(padded + " ", out _).Should().BeFalse();
    }

    [Fact]
    public void System_messages_when_made_for_two_sessions_have_texts_and_different_ids()
    {
        var other = Started with { SessionId = Guid.CreateVersion7() };
        var opening = ConversationDecisions.Opening(Started);

        opening.MessageId.Should().NotBe(ConversationDecisions.Opening(other).MessageId);
        opening.Text.Should().StartWith("Sesi dimulai");
        ConversationDecisions.Closing(Active(), Now).Text.Should().Be("Sesi telah berakhir.");
    }

    [Fact]
    public void Send_when_the_id_was_used_for_other_text_names_the_cause_in_its_code()
    {
        var session = Active();
        var stored = SessionMessage.Of(Said(session, MessageSenders.Client, ClientId, "halo"));

        var refused = FluentActions.Invoking(() => ConversationDecisions.Send(session, MessageSenders.Client, ClientId, stored.Id, "hai", stored, Now))
            .Should().Throw<DomainException>().Which;

        (refused.Problem, refused.Extensions["code"]).Should().Be((ProblemNames.Conflict, ProblemCodes.MessageIdReused));
    }
}
