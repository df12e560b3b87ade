using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Push;
using HaloBestie.Domain.Sessions;
using HaloBestie.Domain.Tests.Specs;

namespace HaloBestie.Domain.Tests.Push;

/// <summary><see cref="PushDecisions"/>: which pushes each change causes, to whom, with what data, and for how long (PRODUCT.md §10, docs/push.md).</summary>
public class PushDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);

    // Fixed ids, so that the data the apps read is spelled out literally below.
    private static readonly Guid RequestId = Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
    private const string RequestIdText = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    private static readonly Guid SessionId = Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-aabbccddeeff");
    private const string SessionIdText = "0193a1b2-c3d4-7e5f-8a9b-aabbccddeeff";
    private static readonly Guid ClientId = Guid.CreateVersion7();
    private static readonly Guid MitraA = Guid.CreateVersion7();
    private static readonly Guid MitraB = Guid.CreateVersion7();
    private static readonly Guid MitraC = Guid.CreateVersion7();

    /// <summary>The offer's deadline, written in Jakarta time with milliseconds: the apps get it as UTC, to the millisecond, with a Z.</summary>
    private static readonly DateTimeOffset RequestExpiresAt = new(2026, 12, 4, 15, 1, 30, 123, TimeSpan.FromHours(7));
    private const string RequestExpiresAtText = "2026-12-04T08:01:30.123Z";

    private static readonly DateTimeOffset SessionEndsAt = new(2026, 12, 4, 16, 0, 5, 45, TimeSpan.FromHours(7));
    private const string SessionEndsAtText = "2026-12-04T09:00:05.045Z";

    private static PairingRequest Request(Guid[] offeredTo, params Guid[] declinedBy)
    {
        List<object> events = [new PairingRequested(RequestId, ClientId, "kerja", null, RequestExpiresAt, Now)];
        if (offeredTo.Length > 0)
            events.Add(new PairingOffered(RequestId, offeredTo, Now));
        events.AddRange(declinedBy.Select(m => new PairingDeclined(RequestId, m, Now)));
        return Given.Stream<PairingRequest>([.. events]);
    }

    private static Session Active() =>
        Given.Stream<Session>(new SessionStarted(SessionId, RequestId, ClientId, MitraA, SessionEndsAt, Now));

    private static Session EndedBy(string actor) =>
        Given.Stream<Session>(
            new SessionStarted(SessionId, RequestId, ClientId, MitraA, SessionEndsAt, Now),
            new SessionEnded(SessionId, actor, null, "alasan staf untuk catatan", Now.AddMinutes(20), "pesan"));

    private static MessageSent Message(string sender, long seq) =>
        new(SessionId, Guid.CreateVersion7(), seq, sender, sender == MessageSenders.System ? null : Guid.CreateVersion7(), "rahasia yang tak boleh ke layar kunci", Now);

    /// <summary>Every member of the push, the owners in order and the data key by key (no more, no fewer).</summary>
    private static void ShouldBe(PushWork? actual, PushWork expected)
    {
        actual.Should().NotBeNull();
        actual!.Event.Should().Be(expected.Event);
        actual.OwnerKind.Should().Be(expected.OwnerKind);
        actual.OwnerIds.Should().Equal(expected.OwnerIds);
        actual.Data.Should().Equal(expected.Data);
        actual.Notice.Should().Be(expected.Notice);
        actual.HighPriority.Should().Be(expected.HighPriority);
        actual.CollapseKey.Should().Be(expected.CollapseKey);
        actual.ExpiresAt.Should().Be(expected.ExpiresAt);
        actual.SkipWhileStreaming.Should().Be(expected.SkipWhileStreaming);
    }

    private static Dictionary<string, string> Data(params (string Key, string Value)[] fields) =>
        fields.ToDictionary(f => f.Key, f => f.Value);

    [Fact]
    public void Notices_are_generic_texts_in_bahasa_indonesia_that_never_tell_what_was_said()
    {
        PushDecisions.OfferNotice.Should().Be(new PushNotice("Ada yang ingin bercerita", "Buka Halo Bestie untuk menerima permintaan curhat."));
        PushDecisions.MatchedNotice.Should().Be(new PushNotice("Bestie-mu sudah siap", "Ketuk untuk mulai bercerita."));
        PushDecisions.ExpiredNotice.Should().Be(new PushNotice("Belum ada bestie yang tersedia", "Coba lagi sebentar lagi, ya."));
        PushDecisions.EndingSoonNotice.Should().Be(new PushNotice("Sesi hampir selesai", "Sisa waktu sesimu 5 menit lagi."));
        PushDecisions.EndedNotice.Should().Be(new PushNotice("Sesi sudah selesai", "Terima kasih sudah bercerita hari ini."));
        PushDecisions.MessageNotice.Should().Be(new PushNotice("Halo Bestie", "Pesan baru dari bestie-mu"));
    }

    [Fact]
    public void Lifetimes_are_an_hour_by_default_and_a_minute_of_grace_for_a_withdrawal()
    {
        PushDecisions.DefaultLifetime.Should().Be(TimeSpan.FromHours(1));
        PushDecisions.WithdrawalGrace.Should().Be(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void Offered_is_a_high_priority_notice_to_the_mitras_that_lives_as_long_as_the_offer_and_collapses_by_request()
    {
        var request = Request([MitraA, MitraB]);

        var push = PushDecisions.Offered(request, [MitraB, MitraA]);

        ShouldBe(push, new PushWork(
            "pairing.offered", "mitra", [MitraB, MitraA],
            Data(("event", "pairing.offered"), ("requestId", RequestIdText), ("expiresAt", RequestExpiresAtText)),
            PushDecisions.OfferNotice, HighPriority: true, RequestIdText, RequestExpiresAt, SkipWhileStreaming: false));
    }

    [Fact]
    public void Closed_before_the_offer_expires_is_a_data_push_with_the_offers_collapse_key_until_a_minute_past_its_expiry()
    {
        var request = Request([MitraA]);

        var push = PushDecisions.Closed(request, [MitraA, MitraC], "taken", Now);

        ShouldBe(push, new PushWork(
            "pairing.closed", "mitra", [MitraA, MitraC],
            Data(("event", "pairing.closed"), ("requestId", RequestIdText), ("reason", "taken")),
            Notice: null, HighPriority: true, RequestIdText, RequestExpiresAt.AddMinutes(1), SkipWhileStreaming: false));
    }

    [Fact]
    public void Closed_after_the_offer_expired_lives_until_a_minute_past_now()
    {
        var request = Request([MitraA]);
        var late = RequestExpiresAt.AddSeconds(42);

        var push = PushDecisions.Closed(request, [MitraA], "expired", late);

        ShouldBe(push, new PushWork(
            "pairing.closed", "mitra", [MitraA],
            Data(("event", "pairing.closed"), ("requestId", RequestIdText), ("reason", "expired")),
            Notice: null, HighPriority: true, RequestIdText, late.AddMinutes(1), SkipWhileStreaming: false));
    }

    [Fact]
    public void Matched_tells_the_client_its_session_with_a_high_priority_notice_until_the_session_ends()
    {
        var request = Request([MitraA]);

        var push = PushDecisions.Matched(request, SessionId, SessionEndsAt);

        ShouldBe(push, new PushWork(
            "pairing.matched", "client", [ClientId],
            Data(("event", "pairing.matched"), ("requestId", RequestIdText), ("sessionId", SessionIdText)),
            PushDecisions.MatchedNotice, HighPriority: true, RequestIdText, SessionEndsAt, SkipWhileStreaming: true));
    }

    [Theory]
    [InlineData(PairingReasons.Timeout)]
    [InlineData(PairingReasons.NoBestie)]
    public void Expired_tells_the_client_why_with_a_normal_priority_notice_for_an_hour(string reason)
    {
        var request = Request([MitraA]);

        var push = PushDecisions.Expired(request, reason, Now);

        ShouldBe(push, new PushWork(
            "pairing.expired", "client", [ClientId],
            Data(("event", "pairing.expired"), ("requestId", RequestIdText), ("reason", reason)),
            PushDecisions.ExpiredNotice, HighPriority: false, RequestIdText, Now.AddHours(1), SkipWhileStreaming: true));
    }

    [Fact]
    public void EndingSoon_warns_the_client_until_the_session_ends_and_collapses_by_session()
    {
        var push = PushDecisions.EndingSoon(Active());

        ShouldBe(push, new PushWork(
            "session.ending-soon", "client", [ClientId],
            Data(("event", "session.ending-soon"), ("sessionId", SessionIdText), ("endsAt", SessionEndsAtText)),
            PushDecisions.EndingSoonNotice, HighPriority: true, SessionIdText, SessionEndsAt, SkipWhileStreaming: true));
    }

    [Theory]
    [InlineData(SessionActors.Mitra, "ended-by-mitra")]
    [InlineData(SessionActors.Staff, "ended-by-staff")]
    [InlineData(SessionActors.System, "time-up")]
    public void Ended_when_someone_else_ended_the_session_tells_the_client_the_reason_code_for_an_hour(string endedBy, string reasonCode)
    {
        var later = Now.AddMinutes(30);

        var push = PushDecisions.Ended(EndedBy(endedBy), later);

        ShouldBe(push, new PushWork(
            "session.ended", "client", [ClientId],
            Data(("event", "session.ended"), ("sessionId", SessionIdText), ("reasonCode", reasonCode)),
            PushDecisions.EndedNotice, HighPriority: false, SessionIdText, later.AddHours(1), SkipWhileStreaming: true));
    }

    [Fact]
    public void Ended_when_the_client_ended_the_session_is_nothing_its_app_knows_already()
    {
        PushDecisions.Ended(EndedBy(SessionActors.Client), Now).Should().BeNull();
    }

    [Fact]
    public void Ended_when_the_session_is_still_active_is_nothing()
    {
        PushDecisions.Ended(Active(), Now).Should().BeNull();
    }

    [Fact]
    public void MessageToClient_from_the_mitra_is_new_message_without_the_text_one_per_session_until_it_ends()
    {
        var push = PushDecisions.MessageToClient(Active(), Message(MessageSenders.Mitra, 1234567));

        ShouldBe(push, new PushWork(
            "message.created", "client", [ClientId],
            Data(("event", "message.created"), ("sessionId", SessionIdText), ("seq", "1234567")),
            PushDecisions.MessageNotice, HighPriority: true, "messages:" + SessionIdText, SessionEndsAt, SkipWhileStreaming: true));
    }

    [Theory]
    [InlineData(MessageSenders.Client)]
    [InlineData(MessageSenders.System)]
    public void MessageToClient_when_the_client_or_the_system_wrote_is_nothing(string sender)
    {
        PushDecisions.MessageToClient(Active(), Message(sender, 7)).Should().BeNull();
    }

    [Fact]
    public void OnExpiry_tells_the_client_and_withdraws_the_offer_from_the_mitras_who_did_not_decline()
    {
        var request = Request([MitraA, MitraB, MitraC], MitraB);

        var pushes = PushDecisions.OnExpiry(request, PairingReasons.NoBestie, Now);

        pushes.Should().HaveCount(2);
        ShouldBe(pushes[0], new PushWork(
            "pairing.expired", "client", [ClientId],
            Data(("event", "pairing.expired"), ("requestId", RequestIdText), ("reason", "no-bestie")),
            PushDecisions.ExpiredNotice, HighPriority: false, RequestIdText, Now.AddHours(1), SkipWhileStreaming: true));
        ShouldBe(pushes[1], new PushWork(
            "pairing.closed", "mitra", [MitraA, MitraC],
            Data(("event", "pairing.closed"), ("requestId", RequestIdText), ("reason", "expired")),
            Notice: null, HighPriority: true, RequestIdText, RequestExpiresAt.AddMinutes(1), SkipWhileStreaming: false));
    }

    [Fact]
    public void OnMatch_tells_the_client_and_withdraws_the_offer_from_the_other_mitras_who_did_not_decline()
    {
        var request = Request([MitraA, MitraB, MitraC], MitraC);

        var pushes = PushDecisions.OnMatch(request, MitraB, SessionId, SessionEndsAt, Now);

        pushes.Should().HaveCount(2);
        ShouldBe(pushes[0], new PushWork(
            "pairing.matched", "client", [ClientId],
            Data(("event", "pairing.matched"), ("requestId", RequestIdText), ("sessionId", SessionIdText)),
            PushDecisions.MatchedNotice, HighPriority: true, RequestIdText, SessionEndsAt, SkipWhileStreaming: true));
        ShouldBe(pushes[1], new PushWork(
            "pairing.closed", "mitra", [MitraA],
            Data(("event", "pairing.closed"), ("requestId", RequestIdText), ("reason", "taken")),
            Notice: null, HighPriority: true, RequestIdText, RequestExpiresAt.AddMinutes(1), SkipWhileStreaming: false));
    }

    [Fact]
    public void OnMatch_when_nobody_declined_withdraws_the_offer_from_everyone_but_the_accepting_mitra()
    {
        var request = Request([MitraA, MitraB, MitraC]);

        var pushes = PushDecisions.OnMatch(request, MitraA, SessionId, SessionEndsAt, Now);

        pushes[1].OwnerIds.Should().Equal(MitraB, MitraC);
    }

    [Fact]
    public void OnCancel_withdraws_the_offer_from_the_mitras_who_did_not_decline()
    {
        var request = Request([MitraA, MitraB, MitraC], MitraA);

        var push = PushDecisions.OnCancel(request, Now);

        ShouldBe(push, new PushWork(
            "pairing.closed", "mitra", [MitraB, MitraC],
            Data(("event", "pairing.closed"), ("requestId", RequestIdText), ("reason", "cancelled")),
            Notice: null, HighPriority: true, RequestIdText, RequestExpiresAt.AddMinutes(1), SkipWhileStreaming: false));
    }

    [Fact]
    public void OnDecline_withdraws_the_offer_from_the_declining_mitras_other_phones_only()
    {
        var request = Request([MitraA, MitraB, MitraC]);

        var push = PushDecisions.OnDecline(request, MitraB, Now);

        ShouldBe(push, new PushWork(
            "pairing.closed", "mitra", [MitraB],
            Data(("event", "pairing.closed"), ("requestId", RequestIdText), ("reason", "declined")),
            Notice: null, HighPriority: true, RequestIdText, RequestExpiresAt.AddMinutes(1), SkipWhileStreaming: false));
    }

    [Fact]
    public void OnCancel_when_nobody_declined_withdraws_the_offer_from_every_mitra_it_was_offered_to()
    {
        var request = Request([MitraA, MitraB]);

        PushDecisions.OnCancel(request, Now).OwnerIds.Should().Equal(MitraA, MitraB);
    }

    [Fact]
    public void OnCancel_after_the_offer_expired_lives_until_a_minute_past_now()
    {
        var request = Request([MitraA]);
        var late = RequestExpiresAt.AddMinutes(3);

        PushDecisions.OnCancel(request, late).ExpiresAt.Should().Be(late.AddMinutes(1));
    }
}
