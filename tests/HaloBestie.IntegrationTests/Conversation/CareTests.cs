using System.Text.Json;
using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Conversation;

/// <summary>Care and safety (PRODUCT.md §9): risk flags on client messages, their review by staff, the phrases, and the client's rating.</summary>
public class CareTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Send_when_a_client_message_matches_a_risk_phrase_delivers_it_unchanged_then_flags_it_to_the_mitra_and_staff()
    {
        var talk = await Talk.StartAsync(hosts);
        await using var mitraStream = await talk.StreamAsync(talk.MitraToken);
        await using var clientStream = await talk.StreamAsync(talk.ClientToken);
        const string text = "aku udah gak kuat, pengen bundiiir aja";

        var sent = await talk.SendAsync(talk.ClientToken, text);

        sent.Status.Should().Be(201);
        sent.Message.Text.Should().Be(text, "matching never alters the message");
        var events = new[] { await mitraStream.NextAsync(), await mitraStream.NextAsync() };
        events.Select(e => e!.Type).Should().Equal("message.created", "risk.flagged");
        var flagged = JsonDocument.Parse(events[1]!.Data).RootElement;
        flagged.GetProperty("seq").GetInt64().Should().Be(sent.Message.Seq);
        flagged.GetProperty("resources").EnumerateArray().Select(r => r.GetString()).Should().Equal("SEJIWA 119 ext. 8");
        events[1]!.Data.Should().NotContain(talk.ClientId.ToString(), "a mitra never receives the client's identity");
        (await clientStream.NextOfTypeAsync("message.created")).Should().NotBeNull();
        var toClient = await clientStream.NextAsync(TimeSpan.FromMilliseconds(300)).ContinueWith(t => t.IsFaulted ? null : t.Result);
        toClient.Should().BeNull("the client is not told its message was flagged");

        var (staff, me) = await hosts.NewStaffAsync();
        var flagId = flagged.GetProperty("flagId").GetGuid();
        var open = await staff.ListRiskFlagsAsync("open", null, null);
        open.Items.Should().ContainSingle(f => f.Id == flagId).Which.Should().BeEquivalentTo(
            new { SessionId = talk.SessionId, Seq = sent.Message.Seq, Phrase = "bundir", AcknowledgedAt = (DateTimeOffset?)null }, o => o.ExcludingMissingMembers());
        await Wait.UntilAsync(async () => (await staff.GetDashboardAsync()).OpenRiskFlags >= 1, TimeSpan.FromSeconds(5), "the dashboard counting the open flag");

        var acknowledged = await staff.AcknowledgeRiskFlagAsync(flagId, new AcknowledgeRiskFlagBody { Note = "Mitra sudah memberi nomor SEJIWA; klien aman." });
        acknowledged.AcknowledgedBy.Should().Be(me.Id);
        (await ProblemOf(() => staff.AcknowledgeRiskFlagAsync(flagId, new AcknowledgeRiskFlagBody { Note = "lagi" }))).Name.Should().Be("conflict");
        (await ProblemOf(() => staff.AcknowledgeRiskFlagAsync(flagId, new AcknowledgeRiskFlagBody { Note = "  " }))).Name.Should().Be("validation");
        (await ProblemOf(() => staff.AcknowledgeRiskFlagAsync(Guid.CreateVersion7(), new AcknowledgeRiskFlagBody { Note = "x" }))).Status.Should().Be(404);
        (await staff.ListRiskFlagsAsync("open", null, null)).Items.Should().NotContain(f => f.Id == flagId);
        (await staff.ListRiskFlagsAsync("acknowledged", null, null)).Items.Should().Contain(f => f.Id == flagId);
        var history = await staff.GetSessionHistoryAsync(talk.SessionId);
        history.Select(h => h.Type).Should().ContainInOrder("message_sent", "risk_flag_raised", "risk_flag_acknowledged");
        (await staff.ListAuditEntriesAsync(me.Id, null, null, null, null)).Items.Should().Contain(a => a.Action == "risk-flag.acknowledged" && a.TargetId == flagId.ToString());
    }

    [Fact]
    public async Task Send_when_the_mitra_writes_a_risk_phrase_raises_no_flag()
    {
        var talk = await Talk.StartAsync(hosts);
        var (staff, _) = await hosts.NewStaffAsync();

        await talk.SendAsync(talk.MitraToken, "apakah kamu pernah berpikir untuk bunuh diri?");

        (await staff.ListRiskFlagsAsync(null, null, 100)).Items.Should().NotContain(f => f.SessionId == talk.SessionId);
    }

    [Fact]
    public async Task Phrases_when_an_admin_replaces_them_apply_to_the_next_message_and_operators_may_only_read()
    {
        var admin = await hosts.AdminAsync();
        var (operatorStaff, _) = await hosts.NewStaffAsync();
        (await operatorStaff.GetRiskPhrasesAsync()).Phrases.Should().Contain("bunuh diri");
        (await ProblemOf(() => operatorStaff.UpdateRiskPhrasesAsync(new UpdateRiskPhrases { Phrases = ["x"] }))).Status.Should().Be(403);
        (await ProblemOf(() => admin.UpdateRiskPhrasesAsync(new UpdateRiskPhrases { Phrases = [] }))).Name.Should().Be("validation");
        (await ProblemOf(() => admin.UpdateRiskPhrasesAsync(new UpdateRiskPhrases { Phrases = ["-- .."] }))).Name.Should().Be("validation");
        var before = (await admin.GetRiskPhrasesAsync()).Phrases.ToList();
        try
        {
            await admin.UpdateRiskPhrasesAsync(new UpdateRiskPhrases { Phrases = [.. before, " tidak ada harapan "] });
            var talk = await Talk.StartAsync(hosts);

            await talk.SendAsync(talk.ClientToken, "rasanya tidak ada harapan lagi");

            (await operatorStaff.ListRiskFlagsAsync("open", null, 100)).Items.Should().Contain(f => f.SessionId == talk.SessionId && f.Phrase == "tidak ada harapan");
        }
        finally
        {
            await admin.UpdateRiskPhrasesAsync(new UpdateRiskPhrases { Phrases = before });
        }
    }

    [Fact]
    public async Task Rate_when_the_session_ended_counts_once_in_the_mitras_details_and_the_dashboard()
    {
        var talk = await Talk.StartAsync(hosts);
        var other = await Talk.StartAsync(hosts);
        await talk.SendAsync(talk.ClientToken, "makasih ya");
        (await ProblemOf(() => talk.Client.RateSessionAsync(talk.SessionId, new RateSessionBody { Stars = 5 }))).Name.Should().Be("session-active");
        await talk.Client.EndMySessionAsync(talk.SessionId, null);

        (await ProblemOf(() => talk.Client.RateSessionAsync(talk.SessionId, new RateSessionBody { Stars = 0 }))).Name.Should().Be("validation");
        (await ProblemOf(() => other.Client.RateSessionAsync(talk.SessionId, new RateSessionBody { Stars = 5 }))).Status.Should().Be(404);
        var rating = await talk.Client.RateSessionAsync(talk.SessionId, new RateSessionBody { Stars = 4, Comment = "Sangat membantu." });
        (await ProblemOf(() => talk.Client.RateSessionAsync(talk.SessionId, new RateSessionBody { Stars = 1 }))).Name.Should().Be("already-rated");

        (rating.Stars, rating.Comment).Should().Be((4, "Sangat membantu."));
        var (staff, _) = await hosts.NewStaffAsync();
        var details = await staff.GetMitraAsync(talk.MitraId);
        (details.Ratings!.Count, details.Ratings.AverageStars).Should().Be((1, 4.0));
        (await staff.GetMitraAsync(other.MitraId)).Ratings!.AverageStars.Should().BeNull();
        await Wait.UntilAsync(async () => (await staff.GetDashboardAsync()).Today is { AverageRating: not null, Messages: >= 1 }, TimeSpan.FromSeconds(5),
            "the dashboard counting today's rating and message");
    }

    [Fact]
    public async Task Conversation_when_read_by_the_mitra_or_staff_never_carries_the_clients_email_phone_or_firebase_uid()
    {
        var (mitra, mitraToken, _) = await hosts.NewOnlineMitraAsync();
        var uid = "client-" + Guid.NewGuid().ToString("N");
        var email = $"{Guid.NewGuid():N}@example.com";
        var phone = $"+62812{Random.Shared.Next(10_000_000, 99_999_999)}";
        var clientToken = hosts.EmulatorToken(uid, "phone", phone: phone, email: email);
        var client = hosts.PublicAs(clientToken);
        var clientId = (await client.SignInClientAsync()).Client.Id;
        var sessionId = (await mitra.AcceptPairingRequestAsync((await client.RequestPairingAsync(new RequestPairing())).Id)).SessionId;
        var talk = new Talk(hosts, client, clientToken, clientId, mitra, mitraToken, Guid.Empty, sessionId);
        await using var mitraStream = await talk.StreamAsync(mitraToken);

        await talk.SendAsync(clientToken, "halo, aku ingin mati rasanya");
        await talk.ReadAsync(clientToken, 2);
        await talk.TypingAsync(clientToken);

        var seen = new List<string>();
        foreach (var type in new[] { "message.created", "risk.flagged", "message.read", "message.typing" })
            seen.Add((await mitraStream.NextOfTypeAsync(type)).Data);
        seen.Add((await talk.CallAsync(HttpMethod.Get, mitraToken, "messages", null)).Body);
        seen.Add(System.Text.Json.JsonSerializer.Serialize(await mitra.GetMitraSessionAsync(sessionId)));
        var (staff, _) = await hosts.NewStaffAsync();
        seen.Add(System.Text.Json.JsonSerializer.Serialize(await staff.GetTranscriptAsync(sessionId, null, null, null)));
        seen.Add(System.Text.Json.JsonSerializer.Serialize(await staff.ListRiskFlagsAsync(null, null, 100)));

        foreach (var identity in new[] { email, phone, phone[1..], uid, clientId.ToString() })
            seen.Should().AllSatisfy(text => text.Should().NotContain(identity));
    }
}
