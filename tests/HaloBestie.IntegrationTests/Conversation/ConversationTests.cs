using System.Text.Json;
using HaloBestie.Clients.Internal;
using HaloBestie.IntegrationTests.Infrastructure;

namespace HaloBestie.IntegrationTests.Conversation;

/// <summary>The conversation of a session (PRODUCT.md §8, API.md "Conversation"), through both apps' routes and streams and the staff transcript.</summary>
public class ConversationTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Send_when_both_parties_write_gives_one_order_to_every_reader_and_stream()
    {
        var talk = await Talk.StartAsync(hosts);
        await using var clientStream = await talk.StreamAsync(talk.ClientToken);
        await using var mitraStream = await talk.StreamAsync(talk.MitraToken);

        var first = await talk.SendAsync(talk.ClientToken, "Aku capek banget hari ini.\nBoleh cerita?");
        var second = await talk.SendAsync(talk.MitraToken, "Boleh banget, aku di sini. 🤗");

        (first.Status, second.Status).Should().Be((201, 201));
        first.Message.Should().BeEquivalentTo(new { Seq = 2L, Sender = MessageViewSender.Client, Text = "Aku capek banget hari ini.\nBoleh cerita?", Kind = (MessageViewKind?)null });
        second.Message.Should().BeEquivalentTo(new { Seq = 3L, Sender = MessageViewSender.Mitra, Kind = (MessageViewKind?)null });
        foreach (var token in new[] { talk.ClientToken, talk.MitraToken })
        {
            var page = await talk.PageAsync(token);
            page.Items.Select(m => (m.Seq, Talk.Code(m.Sender), Talk.Code(m.Kind))).Should().Equal((1L, "system", "start"), (2L, "client", null), (3L, "mitra", null));
            page.HasMore.Should().BeFalse();
        }
        foreach (var stream in new[] { clientStream, mitraStream })
        {
            var created = new[] { await stream.NextOfTypeAsync("message.created"), await stream.NextOfTypeAsync("message.created") };
            created.Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("message").GetProperty("seq").GetInt64()).Should().Equal(2, 3);
            created.Should().AllSatisfy(e => e.Data.Should().Contain(talk.SessionId.ToString()));
        }
    }

    [Fact]
    public async Task Send_when_retried_with_the_same_id_answers_the_stored_message_and_other_text_is_conflict()
    {
        var talk = await Talk.StartAsync(hosts);
        var id = Guid.CreateVersion7();

        var sent = await talk.SendAsync(talk.ClientToken, id, "halo");
        var retried = await talk.SendAsync(talk.ClientToken, id, "halo");
        var changed = await talk.SendAsync(talk.ClientToken, id, "halo!");
        var byTheOther = await talk.SendAsync(talk.MitraToken, id, "halo");

        (sent.Status, retried.Status).Should().Be((201, 200));
        retried.Message.Should().BeEquivalentTo(sent.Message);
        (changed.Status, changed.Problem).Should().Be((409, "conflict"));
        Problems.Parse(changed.Status, changed.Body).Extensions!["code"].Should().Be("message-id-reused");
        (byTheOther.Status, byTheOther.Problem).Should().Be((409, "conflict"));
        (await talk.PageAsync(talk.ClientToken)).Items.Should().HaveCount(2, "the opening and one message");
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("a\u0000b")]
    [InlineData("carriage\rreturn")]
    public async Task Send_when_the_text_breaks_the_rules_is_validation_and_records_nothing(string text)
    {
        var talk = await Talk.StartAsync(hosts);

        var answer = await talk.SendAsync(talk.ClientToken, text);

        (answer.Status, answer.Problem).Should().Be((400, "validation"));
        (await talk.PageAsync(talk.ClientToken)).Items.Should().ContainSingle();
    }

    [Fact]
    public async Task Send_when_the_text_is_4000_characters_keeps_it_exactly_and_4001_is_refused()
    {
        var talk = await Talk.StartAsync(hosts);
        var longest = "  " + string.Concat(Enumerable.Repeat("é😢", 2000)) + "\n";

        (await talk.SendAsync(talk.MitraToken, longest)).Message.Text.Should().Be(longest);
        (await talk.SendAsync(talk.MitraToken, longest + "x")).Status.Should().Be(400);
    }

    [Fact]
    public async Task Send_when_the_session_has_ended_is_session_ended_and_the_conversation_stays_readable()
    {
        var talk = await Talk.StartAsync(hosts);
        await talk.SendAsync(talk.ClientToken, "terima kasih");
        await talk.Client.EndMySessionAsync(talk.SessionId, null);

        var late = await talk.SendAsync(talk.MitraToken, "sama-sama");
        var typing = await talk.TypingAsync(talk.ClientToken);

        (late.Status, late.Problem).Should().Be((409, "session-ended"));
        (typing.Status, typing.Problem).Should().Be((409, "session-ended"));
        var items = (await talk.PageAsync(talk.MitraToken)).Items;
        items.Select(m => (Talk.Code(m.Sender), Talk.Code(m.Kind))).Should().Equal(("system", "start"), ("client", null), ("system", "end"));
    }

    [Fact]
    public async Task Send_when_the_caller_never_took_part_answers_404()
    {
        var talk = await Talk.StartAsync(hosts);
        var stranger = await Talk.StartAsync(hosts);

        foreach (var (intruder, token) in new[] { (talk with { ClientToken = stranger.ClientToken }, stranger.ClientToken), (talk with { MitraToken = stranger.MitraToken }, stranger.MitraToken) })
        {
            (await intruder.SendAsync(token, "hai")).Status.Should().Be(404);
            (await intruder.CallAsync(HttpMethod.Get, token, "messages", null)).Status.Should().Be(404);
            (await intruder.ReadAsync(token, 1)).Status.Should().Be(404);
            (await intruder.TypingAsync(token)).Status.Should().Be(404);
        }
    }

    [Fact]
    public async Task Reroute_when_staff_hand_over_lets_the_new_mitra_read_everything_and_the_previous_one_up_to_the_handover()
    {
        var talk = await Talk.StartAsync(hosts);
        var (next, nextToken, nextId) = await hosts.NewOnlineMitraAsync();
        await talk.SendAsync(talk.ClientToken, "sebelum");
        await talk.SendAsync(talk.MitraToken, "aku dengar");
        await using var previousStream = await talk.StreamAsync(talk.MitraToken);
        var (staff, _) = await hosts.NewStaffAsync();

        await staff.RerouteSessionAsync(talk.SessionId, new RerouteSessionBody { ToMitraId = nextId, Reason = "pergantian shift" });
        var after = talk with { MitraToken = nextToken, Mitra = next, MitraId = nextId };
        await after.SendAsync(talk.ClientToken, "sesudah");
        await after.SendAsync(nextToken, "halo, aku lanjutkan ya");

        var whole = await after.AllAsync(nextToken);
        whole.Select(m => (Talk.Code(m.Sender), Talk.Code(m.Kind))).Should().Equal(
            ("system", "start"), ("client", null), ("mitra", null), ("system", "handover"), ("client", null), ("mitra", null));
        (await after.AllAsync(talk.ClientToken)).Should().BeEquivalentTo(whole, o => o.WithStrictOrdering());
        var previous = await talk.AllAsync(talk.MitraToken);
        previous.Should().BeEquivalentTo(whole.Take(3), o => o.WithStrictOrdering(), "the previous mitra keeps what was said up to the reroute, and nothing after");
        (await talk.PageAsync(talk.MitraToken, $"?after=3")).Items.Should().BeEmpty();
        (await talk.SendAsync(talk.MitraToken, "masih di sini?")).Problem.Should().Be("session-ended");
        (await previousStream.NextOfTypeAsync("session.ended")).Data.Should().Contain("rerouted");
        var tail = await previousStream.NextAsync(TimeSpan.FromMilliseconds(500)).ContinueWith(t => t.IsFaulted ? null : t.Result);
        tail.Should().BeNull("nothing after the handover reaches the previous mitra's stream");
    }

    [Fact]
    public async Task Read_when_marks_move_tells_both_parties_never_moves_back_and_counts_unread_from_the_marks()
    {
        var talk = await Talk.StartAsync(hosts);
        await using var clientStream = await talk.StreamAsync(talk.ClientToken);
        await talk.SendAsync(talk.MitraToken, "satu");
        await talk.SendAsync(talk.MitraToken, "dua");
        await talk.SendAsync(talk.ClientToken, "tiga");

        (await talk.Client.GetMySessionAsync(talk.SessionId)).Unread.Should().Be(3, "the opening and the mitra's two messages");
        (await talk.Mitra.GetMitraSessionAsync(talk.SessionId)).Unread.Should().Be(2, "the opening and the client's message");
        (await talk.ReadAsync(talk.ClientToken, 3)).Status.Should().Be(204);
        (await talk.ReadAsync(talk.ClientToken, 2)).Status.Should().Be(204);
        (await talk.ReadAsync(talk.MitraToken, 99)).Status.Should().Be(204);

        var view = await talk.Client.GetMySessionAsync(talk.SessionId);
        view.Unread.Should().Be(0);
        view.LastMessage!.Text.Should().Be("tiga");
        (await talk.Mitra.GetMitraSessionAsync(talk.SessionId)).Unread.Should().Be(0);
        var marks = (await talk.PageAsync(talk.MitraToken)).ReadUpTo;
        (marks.Client, marks.Mitra).Should().Be((3L, 4L), "a mark never moves back, and stops at the last message");
        var read = await clientStream.NextOfTypeAsync("message.read");
        read.Data.Should().Contain("\"reader\":\"client\"").And.Contain("\"upToSeq\":3");
        (await clientStream.NextOfTypeAsync("message.read")).Data.Should().Contain("\"reader\":\"mitra\"").And.Contain("\"upToSeq\":4");
    }

    [Fact]
    public async Task Typing_when_signalled_often_tells_the_other_party_at_most_once_every_3_seconds()
    {
        var talk = await Talk.StartAsync(hosts);
        await using var mitraStream = await talk.StreamAsync(talk.MitraToken);
        await using var clientStream = await talk.StreamAsync(talk.ClientToken);

        for (var i = 0; i < 5; i++)
            (await talk.TypingAsync(talk.ClientToken)).Status.Should().Be(204);

        var typing = await mitraStream.NextOfTypeAsync("message.typing");
        typing.Data.Should().Contain("\"sender\":\"client\"");
        var more = await mitraStream.NextAsync(TimeSpan.FromMilliseconds(700)).ContinueWith(t => t.IsFaulted ? null : t.Result);
        more.Should().BeNull("five signals within 3 s are told once");
        var own = await clientStream.NextAsync(TimeSpan.FromMilliseconds(200)).ContinueWith(t => t.IsFaulted ? null : t.Result);
        own.Should().BeNull("the sender is not told of its own typing");
    }

    [Fact]
    public async Task List_when_paging_before_and_after_a_seq_returns_pages_in_order_with_has_more()
    {
        var talk = await Talk.StartAsync(hosts);
        for (var i = 1; i <= 6; i++)
            await talk.SendAsync(i % 2 == 0 ? talk.MitraToken : talk.ClientToken, $"pesan {i}");

        var newest = await talk.PageAsync(talk.ClientToken, "?limit=3");
        newest.Items.Select(m => m.Seq).Should().Equal(5, 6, 7);
        newest.HasMore.Should().BeTrue();
        var older = await talk.PageAsync(talk.ClientToken, "?limit=3&before=5");
        older.Items.Select(m => m.Seq).Should().Equal(2, 3, 4);
        older.HasMore.Should().BeTrue();
        var oldest = await talk.PageAsync(talk.ClientToken, "?limit=3&before=2");
        (oldest.Items.Select(m => m.Seq).Single(), oldest.HasMore).Should().Be((1L, false));
        var catchUp = await talk.PageAsync(talk.MitraToken, "?after=4&limit=2");
        (catchUp.Items.Select(m => m.Seq), catchUp.HasMore).Should().BeEquivalentTo((new[] { 5L, 6L }, true));
        (await talk.PageAsync(talk.MitraToken, "?after=7")).Items.Should().BeEmpty();
        foreach (var bad in new[] { "?limit=0", "?limit=101", "?before=3&after=1", "?after=-1", "?before=0", "?limit=abc" })
            (await talk.CallAsync(HttpMethod.Get, talk.ClientToken, "messages" + bad, null)).Status.Should().Be(400, bad);
    }

    [Fact]
    public async Task Transcript_when_staff_read_it_shows_the_whole_conversation_and_records_each_read()
    {
        var talk = await Talk.StartAsync(hosts);
        await talk.SendAsync(talk.ClientToken, "rahasia yang hanya untuk audit");
        var (staff, me) = await hosts.NewStaffAsync();

        var transcript = await staff.GetTranscriptAsync(talk.SessionId, null, null, null);

        transcript.Items.Select(m => m.Text).Should().EndWith("rahasia yang hanya untuk audit");
        transcript.Items.Should().BeEquivalentTo(await talk.AllAsync(talk.ClientToken), o => o.WithStrictOrdering().ExcludingMissingMembers());
        var audit = await (await hosts.AdminAsync()).ListAuditEntriesAsync(me.Id, null, null, null, null);
        audit.Items.Should().Contain(a => a.Action == "session.transcript-read" && a.TargetId == talk.SessionId.ToString());
        var history = await staff.GetSessionHistoryAsync(talk.SessionId);
        history.Where(h => h.Type == "message_sent").Should().HaveCount(2, "every message is an event of the session's stream");
        (await Problems.ProblemOf(() => staff.GetTranscriptAsync(Guid.CreateVersion7(), null, null, null))).Status.Should().Be(404);
    }

    [Fact]
    public async Task Stream_when_reopened_on_the_other_instance_with_last_event_id_delivers_every_missed_message_once_in_order()
    {
        var talk = await Talk.StartAsync(hosts);
        var other = hosts.AnotherPublicHost();
        string lastId;
        await using (var stream = await talk.StreamAsync(talk.MitraToken))
        {
            await talk.SendAsync(talk.ClientToken, "sebelum putus");
            lastId = (await stream.NextOfTypeAsync("message.created")).Id;
        }
        for (var i = 0; i < 5; i++)
            await talk.SendAsync(talk.ClientToken, $"selama putus {i}");

        await using var resumed = await talk.StreamAsync(talk.MitraToken, other, lastId);
        var missed = new List<long>();
        for (var i = 0; i < 5; i++)
            missed.Add(JsonDocument.Parse((await resumed.NextOfTypeAsync("message.created")).Data).RootElement.GetProperty("message").GetProperty("seq").GetInt64());

        resumed.Resumed.Should().BeTrue();
        missed.Should().Equal(3, 4, 5, 6, 7);
    }
}
