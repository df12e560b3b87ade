using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Sessions;

namespace HaloBestie.Domain.Tests.Sessions;

public class SessionDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid MitraA = Guid.CreateVersion7();
    private static readonly Guid MitraB = Guid.CreateVersion7();

    private static Session Active() =>
        Session.Create(SessionDecisions.Start(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), MitraA, TimeSpan.FromMinutes(60), "trial", Now));

    [Fact]
    public void Tick_when_five_minutes_are_left_warns_and_at_the_end_ends_the_session_once()
    {
        var session = Active();

        SessionDecisions.Tick(session, Now.AddMinutes(54)).Should().BeEmpty();
        var warning = SessionDecisions.Tick(session, Now.AddMinutes(55));
        warning.Select(e => e.GetType()).Should().Equal(typeof(SessionEndingSoon), typeof(MessageSent));
        var warned = session.Then(warning);
        SessionDecisions.Tick(warned, Now.AddMinutes(56)).Should().BeEmpty();
        var end = SessionDecisions.Tick(warned, Now.AddMinutes(60));
        end.Select(e => e.GetType()).Should().Equal(typeof(MessageSent), typeof(SessionEnded));
        var ended = (SessionEnded)end[1];
        ended.Should().BeEquivalentTo(new { EndedBy = SessionActors.System, Reason = SessionEndReasons.TimeUp });
        SessionDecisions.Tick(warned.Then(end), Now.AddMinutes(61)).Should().BeEmpty();
    }

    [Fact]
    public void Tick_when_the_timer_fires_late_still_warns_before_ending()
    {
        SessionDecisions.Tick(Active(), Now.AddMinutes(90)).Select(e => e.GetType())
            .Should().Equal(typeof(SessionEndingSoon), typeof(MessageSent), typeof(MessageSent), typeof(SessionEnded));
    }

    [Fact]
    public void End_or_reroute_when_the_session_has_ended_is_session_ended()
    {
        var session = Active();
        var ended = session.Apply(SessionDecisions.End(session, SessionActors.Client, session.ClientId, "done", Now));

        ended.ActiveClientId.Should().BeNull();
        ended.DurationMinutes.Should().Be(0);
        FluentActions.Invoking(() => SessionDecisions.End(ended, SessionActors.Mitra, MitraA, "x", Now))
            .Should().Throw<DomainException>().Which.Problem.Should().Be(ProblemNames.SessionEnded);
        FluentActions.Invoking(() => SessionDecisions.Reroute(ended, MitraB, "x", false, Guid.Empty, Now))
            .Should().Throw<DomainException>().Which.Problem.Should().Be(ProblemNames.SessionEnded);
    }

    [Theory]
    [InlineData(SessionActors.Client, SessionEndReasons.EndedByClient)]
    [InlineData(SessionActors.Mitra, SessionEndReasons.EndedByMitra)]
    [InlineData(SessionActors.Staff, SessionEndReasons.EndedByStaff)]
    [InlineData(SessionActors.System, SessionEndReasons.TimeUp)]
    public void End_when_it_ends_names_why_by_a_code_and_keeps_the_words_for_the_parties_apart_from_the_reason(string endedBy, string code)
    {
        var session = Active();
        session.EndReasonCode.Should().BeNull("an active session has not ended");

        var ended = session.Apply(SessionDecisions.End(session, endedBy, null, "internal note for the record", Now, "  Sesi diakhiri oleh pusat layanan.  "));
        var silent = session.Apply(SessionDecisions.End(session, endedBy, null, "internal note for the record", Now, " \n "));

        ended.EndReasonCode.Should().Be(code);
        ended.EndReason.Should().Be("internal note for the record");
        ended.EndMessage.Should().Be("Sesi diakhiri oleh pusat layanan.", "the words for the parties are trimmed");
        silent.EndMessage.Should().BeNull("blank words are no message");
    }

    [Fact]
    public void Reroute_when_the_target_is_another_mitra_moves_the_session_and_to_the_same_one_not()
    {
        var session = Active();

        var moved = session.Apply(SessionDecisions.Reroute(session, MitraB, "unwell", false, Guid.Empty, Now));

        moved.MitraId.Should().Be(MitraB);
        moved.Reroutes.Should().Be(1);
        FluentActions.Invoking(() => SessionDecisions.Reroute(moved, MitraB, "x", false, Guid.Empty, Now))
            .Should().Throw<DomainException>().Which.Problem.Should().Be(ProblemNames.Conflict);
    }

    private static Session StartedWith(string paidWith) =>
        Session.Create(SessionDecisions.Start(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), MitraA, TimeSpan.FromMinutes(60), paidWith, Now));

    private static SessionEnded EndedAt(Session session, string endedBy, TimeSpan after) =>
        SessionDecisions.End(session, endedBy, endedBy == SessionActors.System ? null : Guid.CreateVersion7(), "x", Now + after);

    [Theory]
    [InlineData(CreditKinds.Trial)]
    [InlineData(CreditKinds.Paid)]
    public void ReturnsCredit_when_staff_end_before_five_minutes_have_passed_is_true_and_after_false(string kind)
    {
        var session = StartedWith(kind);

        SessionDecisions.ReturnsCredit(session, EndedAt(session, SessionActors.Staff, TimeSpan.Zero)).Should().BeTrue();
        SessionDecisions.ReturnsCredit(session, EndedAt(session, SessionActors.Staff, new TimeSpan(0, 4, 59))).Should().BeTrue();
        SessionDecisions.ReturnsCredit(session, EndedAt(session, SessionActors.Staff, TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1))).Should().BeTrue();
        SessionDecisions.ReturnsCredit(session, EndedAt(session, SessionActors.Staff, TimeSpan.FromMinutes(5))).Should().BeFalse("at 5:00 the first five minutes are over");
        SessionDecisions.ReturnsCredit(session, EndedAt(session, SessionActors.Staff, new TimeSpan(0, 5, 1))).Should().BeFalse();
        SessionDecisions.ReturnsCredit(session, EndedAt(session, SessionActors.Staff, TimeSpan.FromMinutes(59))).Should().BeFalse();
    }

    [Theory]
    [InlineData(CreditKinds.Trial, SessionActors.Client)]
    [InlineData(CreditKinds.Trial, SessionActors.Mitra)]
    [InlineData(CreditKinds.Trial, SessionActors.System)]
    [InlineData(CreditKinds.Paid, SessionActors.Client)]
    [InlineData(CreditKinds.Paid, SessionActors.Mitra)]
    [InlineData(CreditKinds.Paid, SessionActors.System)]
    public void ReturnsCredit_when_the_client_the_mitra_or_the_system_ends_is_never_true(string kind, string endedBy)
    {
        var session = StartedWith(kind);

        foreach (var after in new[] { TimeSpan.Zero, new TimeSpan(0, 4, 59), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(60) })
            SessionDecisions.ReturnsCredit(session, EndedAt(session, endedBy, after)).Should().BeFalse($"{endedBy} ended it after {after}");
    }

    [Fact]
    public void ReturnsCredit_when_the_session_started_before_credits_existed_is_false()
    {
        var session = StartedWith(CreditKinds.Trial) with { PaidWith = null };

        SessionDecisions.ReturnsCredit(session, EndedAt(session, SessionActors.Staff, TimeSpan.FromMinutes(1))).Should().BeFalse();
    }

    [Fact]
    public void ActiveClientId_when_active_is_the_client_that_keeps_it_to_one_session()
    {
        var session = Active();

        session.ActiveClientId.Should().Be(session.ClientId);
    }
}
