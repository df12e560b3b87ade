using HaloBestie.Application.DataRights;
using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HaloBestie.IntegrationTests.DataRights;

/// <summary>
/// Retention (PRODUCT.md §11): conversations that ended more than <c>transcriptRetentionDays</c> ago
/// lose their texts, in the event store and every read model, exactly once even when two instances
/// run the job at the same moment; newer conversations keep theirs; the history says where and why.
/// </summary>
public sealed class TranscriptRetentionTests(FakeClockHostsFixture hosts) : IClassFixture<FakeClockHostsFixture>
{
    private async Task<(Guid SessionId, PublicApiClient Mitra, string Text)> EndedSessionAsync()
    {
        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var sessionId = (await mitra.AcceptPairingRequestAsync((await client.RequestPairingAsync(new RequestPairing())).Id)).SessionId;
        var text = "cerita-" + Guid.NewGuid().ToString("N")[..12];
        await client.SendMessageAsClientAsync(sessionId, Guid.CreateVersion7(), new SendMessageBody { Text = text });
        await mitra.SendMessageAsMitraAsync(sessionId, Guid.CreateVersion7(), new SendMessageBody { Text = "balasan " + text });
        await client.EndMySessionAsync(sessionId, new EndMySessionBody());
        return (sessionId, mitra, text);
    }

    [Fact]
    public async Task RunOnce_on_two_instances_at_once_erases_texts_past_the_limit_exactly_once_and_keeps_newer_ones()
    {
        await hosts.ChangeSettingsAsync(s => s.TranscriptRetentionDays = 0);
        var (old, oldMitra, oldText) = await EndedSessionAsync();
        hosts.Clock!.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        var keptForever = await hosts.Public.Services.GetRequiredService<TranscriptRetention>().RunOnceAsync(CancellationToken.None);
        keptForever.ConversationsErased.Should().Be(0, "0 days keeps every conversation");
        (await EventsContainingAsync(oldText)).Should().Be(2);

        await hosts.ChangeSettingsAsync(s => s.TranscriptRetentionDays = 2);
        var (recent, recentMitra, recentText) = await EndedSessionAsync();

        var instances = new[] { hosts.Public, hosts.AnotherPublicHost() };
        var passes = await Race.AtOnceAsync(2, i => instances[i].Services.GetRequiredService<TranscriptRetention>().RunOnceAsync(CancellationToken.None));
        var again = await hosts.Public.Services.GetRequiredService<TranscriptRetention>().RunOnceAsync(CancellationToken.None);

        passes.Sum(p => p.ConversationsErased).Should().Be(1, "one instance records the erasure, the other finds it done");
        again.ConversationsErased.Should().Be(0, "nothing is erased twice");
        var admin = await hosts.AdminAsync();
        var history = await admin.GetSessionHistoryAsync(old);
        history.Where(h => h.Type == "conversation_erased").Should().ContainSingle()
            .Which.Data.ToString().Should().Contain("retention");
        (await admin.GetSessionHistoryAsync(recent)).Should().NotContain(h => h.Type == "conversation_erased");

        var oldPage = await oldMitra.ListMessagesAsMitraAsync(old, null, null, 100);
        oldPage.Items.Where(m => m.Kind == null).Should().HaveCount(2).And.OnlyContain(m => m.Erased && m.Text == "");
        var recentPage = await recentMitra.ListMessagesAsMitraAsync(recent, null, null, 100);
        recentPage.Items.Select(m => m.Text).Should().Contain([recentText, "balasan " + recentText]);

        (await EventsContainingAsync(oldText)).Should().Be(0, "the old texts are masked in the event store");
        (await EventsContainingAsync(recentText)).Should().Be(2, "the newer texts are kept");
        await using var query = hosts.Service<IDocumentStore>().QuerySession();
        (await query.LoadAsync<Domain.Sessions.Session>(old))!.ConversationErasedReason.Should().Be("retention");
    }

    [Fact]
    public async Task RunOnce_finishes_an_erasure_whose_event_masking_did_not_complete()
    {
        var marker = "zq" + Guid.NewGuid().ToString("N")[..10];
        var app = hosts.PublicAs(hosts.EmulatorToken("uid-" + marker, "google.com", email: marker + "@mail.test"));
        var clientId = (await app.SignInClientAsync()).Client.Id;
        await app.SetDisplayNameAsync(new SetDisplayName { DisplayName = "Nama " + marker });
        // Step 1 of an erasure committed, step 2 never ran (the host stopped in between).
        await using (var session = hosts.Service<IDocumentStore>().LightweightSession())
        {
            session.Events.Append(clientId, new Domain.Clients.ClientErased(clientId, hosts.Clock!.GetUtcNow()));
            await session.SaveChangesAsync();
        }
        (await EventsContainingAsync(marker)).Should().BeGreaterThan(0, "the stored events still hold the person");

        var tooSoon = await hosts.Public.Services.GetRequiredService<TranscriptRetention>().RunOnceAsync(CancellationToken.None);
        hosts.Clock!.Advance(TranscriptRetention.ErasureGrace + TimeSpan.FromSeconds(1));
        var pass = await hosts.Public.Services.GetRequiredService<TranscriptRetention>().RunOnceAsync(CancellationToken.None);

        tooSoon.ErasuresFinished.Should().Be(0, "the erasure's own second step gets its grace first");
        pass.ErasuresFinished.Should().Be(1);
        (await EventsContainingAsync(marker)).Should().Be(0);
        await using var query = hosts.Service<IDocumentStore>().QuerySession();
        (await query.LoadAsync<Domain.Clients.Client>(clientId))!.EventsMaskedAt.Should().NotBeNull();
        (await hosts.Public.Services.GetRequiredService<TranscriptRetention>().RunOnceAsync(CancellationToken.None)).ErasuresFinished.Should().Be(0);
    }

    private async Task<long> EventsContainingAsync(string text)
    {
        await using var connection = new NpgsqlConnection(hosts.Servers.Postgres);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"select count(*) from \"{hosts.Schema}\".mt_events where strpos(data::text, @t) > 0", connection);
        count.Parameters.AddWithValue("t", text);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
