using System.Collections.Concurrent;
using System.Text.Json;
using HaloBestie.Application.Sessions;
using HaloBestie.Clients.Internal;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HaloBestie.IntegrationTests.Conversation;

/// <summary>
/// Order and exactly-once under concurrency, and sends racing the end (issue 15, "Must show"):
/// every reader sees one set of messages, in one gap-free order of <c>seq</c>, and nothing after the end.
/// </summary>
public class ConversationRaceTests(FakeClockHostsFixture hosts) : IClassFixture<FakeClockHostsFixture>
{
    private const int PerDevice = 200;

    [Fact]
    public async Task Send_when_two_devices_of_each_party_send_at_once_with_retries_gives_every_reader_the_same_gap_free_order()
    {
        var talk = await Talk.StartAsync(hosts);
        var streams = new[]
        {
            await talk.StreamAsync(talk.ClientToken), await talk.StreamAsync(talk.ClientToken),
            await talk.StreamAsync(talk.MitraToken), await talk.StreamAsync(talk.MitraToken),
        };
        var devices = new[] { talk.ClientToken, talk.ClientToken, talk.MitraToken, talk.MitraToken };
        var answers = new ConcurrentBag<(Guid Id, Answer Answer)>();
        var retriedAtOnce = 0;

        await Race.AtOnceAsync(devices.Length, async device =>
        {
            var random = new Random(device);
            for (var i = 0; i < PerDevice; i++)
            {
                var id = Guid.CreateVersion7();
                var text = $"perangkat {device}, pesan {i}";
                if (random.Next(4) == 0)
                {
                    // A double tap: the same id twice at once.
                    Interlocked.Increment(ref retriedAtOnce);
                    var both = await Task.WhenAll(talk.SendAsync(devices[device], id, text), talk.SendAsync(devices[device], id, text));
                    answers.Add((id, both[0]));
                    answers.Add((id, both[1]));
                }
                else
                {
                    answers.Add((id, await talk.SendAsync(devices[device], id, text)));
                    if (random.Next(6) == 0) // a retry after a lost answer
                        answers.Add((id, await talk.SendAsync(devices[device], id, text)));
                }
            }
            return device;
        });

        answers.Should().OnlyContain(a => a.Answer.Status == 201 || a.Answer.Status == 200, "a retry is answered with the stored message, never refused");
        var byId = answers.GroupBy(a => a.Id).ToList();
        byId.Should().HaveCount(devices.Length * PerDevice);
        byId.Should().OnlyContain(g => g.Count(a => a.Answer.Status == 201) == 1, "each id is created once");
        byId.Should().OnlyContain(g => g.Select(a => a.Answer.Message.Seq).Distinct().Count() == 1, "every answer of one id names the same message");
        retriedAtOnce.Should().BePositive();

        var total = devices.Length * PerDevice + 1; // and the opening
        var expected = Enumerable.Range(1, total).Select(i => (long)i).ToList();
        var clientView = await talk.AllAsync(talk.ClientToken);
        clientView.Select(m => m.Seq).Should().Equal(expected, "one gap-free order");
        (await talk.AllAsync(talk.MitraToken)).Should().BeEquivalentTo(clientView, o => o.WithStrictOrdering());
        var created = byId.ToDictionary(g => g.Key, g => g.First().Answer.Message.Seq);
        clientView.Where(m => m.Sender != HaloBestie.Clients.Public.MessageViewSender.System).Should().OnlyContain(m => created[m.Id] == m.Seq);

        var (staff, _) = await hosts.NewStaffAsync();
        var transcript = new List<long>();
        for (long after = 0; ;)
        {
            var page = await staff.GetTranscriptAsync(talk.SessionId, null, after, 100);
            transcript.AddRange(page.Items.Select(m => m.Seq));
            if (!page.HasMore)
                break;
            after = transcript[^1];
        }
        transcript.Should().Equal(expected);
        var history = await staff.GetSessionHistoryAsync(talk.SessionId);
        history.Where(h => h.Type == "message_sent").Select(h => ((JsonElement)h.Data).GetProperty("seq").GetInt64()).Should().Equal(expected);

        foreach (var stream in streams)
        {
            var seen = new List<long>();
            while (seen.Count < total - 1)
                seen.Add(JsonDocument.Parse((await stream.NextOfTypeAsync("message.created")).Data).RootElement.GetProperty("message").GetProperty("seq").GetInt64());
            seen.Order().Should().Equal(expected.Skip(1), "every stream gets each message once");
            await stream.DisposeAsync();
        }
    }

    public static TheoryData<string> Enders => new() { "client", "mitra", "staff", "time-up" };

    [Theory]
    [MemberData(nameof(Enders))]
    public async Task Send_when_racing_the_end_is_stored_before_it_or_refused_with_session_ended(string ender)
    {
        var talk = await Talk.StartAsync(hosts);
        var (staff, _) = await hosts.NewStaffAsync();
        var answers = new ConcurrentBag<Answer>();

        var senders = Enumerable.Range(0, 4).Select(device => Task.Run(async () =>
        {
            var token = device % 2 == 0 ? talk.ClientToken : talk.MitraToken;
            while (true)
            {
                var answer = await talk.SendAsync(token, $"pesan {device}");
                answers.Add(answer);
                if (answer.Status != 201)
                    return;
            }
        })).ToList();
        await Wait.UntilAsync(() => answers.Count >= 20, TimeSpan.FromSeconds(30), "the senders under way");
        switch (ender)
        {
            case "client": await talk.Client.EndMySessionAsync(talk.SessionId, null); break;
            case "mitra": await talk.Mitra.EndMitraSessionAsync(talk.SessionId, null); break;
            case "staff": await staff.EndSessionByStaffAsync(talk.SessionId, new EndSessionByStaffBody { Reason = "race" }); break;
            default:
                hosts.Clock!.Advance(TimeSpan.FromHours(2));
                using (var scope = hosts.Public.Services.CreateScope())
                    await scope.ServiceProvider.GetRequiredService<SessionTimeUp>().RunDueAsync(CancellationToken.None);
                break;
        }
        await Task.WhenAll(senders);

        answers.Where(a => a.Status != 201).Should().OnlyContain(a => a.Status == 409 && a.Problem == "session-ended");
        answers.Count(a => a.Status == 409).Should().Be(4, "each sender stopped at its first refusal");
        var history = await staff.GetSessionHistoryAsync(talk.SessionId);
        history.Last().Type.Should().Be("session_ended", "no message can follow the end in the session's stream");
        var messages = await talk.AllAsync(talk.ClientToken);
        messages.Where(m => m.Sender != HaloBestie.Clients.Public.MessageViewSender.System).Select(m => m.Id).Should().BeEquivalentTo(answers.Where(a => a.Status == 201).Select(a => a.Message.Id));
        messages[^1].Kind.Should().Be(HaloBestie.Clients.Public.MessageViewKind.End);
    }
}
