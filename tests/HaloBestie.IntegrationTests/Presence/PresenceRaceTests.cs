using HaloBestie.Application.Presence;
using HaloBestie.Clients.Public;
using HaloBestie.Domain.Mitras;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using SetMitraStatus = HaloBestie.Clients.Public.SetMitraStatus;

namespace HaloBestie.IntegrationTests.Presence;

/// <summary>
/// Presence transitions of one mitra meeting halfway, each started at the same instant many
/// times: whatever the interleaving, Valkey and the mitra's stream must agree afterwards (never
/// "online in Valkey, offline on the stream", which answers heartbeats but is never offered
/// anything), and the stream must alternate online/offline. Also what an instance that dies or
/// stops leaves behind: an offline half done, mitras it was serving.
/// </summary>
public class PresenceRaceTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private const int Rounds = 20;

    [Fact]
    public async Task GoOnline_when_the_sweeper_takes_the_mitra_offline_leaves_valkey_and_the_stream_agreeing()
    {
        var (app, _, mitraId) = await hosts.NewOnlineMitraAsync();
        for (var round = 0; round < Rounds; round++)
        {
            await AtOnce(
                async () =>
                {
                    // What the sweeper does with a mitra whose heartbeat is too old: claim it out of
                    // the online set (as ClaimExpiredAsync does), then record the transition.
                    await Service<IPresenceStore>().BeginOfflineAsync(mitraId, DateTimeOffset.UtcNow);
                    await Service<PresenceTransitions>().TakeOfflineAsync(mitraId, OfflineReasons.HeartbeatTimeout, CancellationToken.None);
                },
                () => app.SetMitraStatusAsync(new SetMitraStatus { Online = true }));

            await ShouldAgreeAsync(app, mitraId, round);
            await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        }
    }

    [Fact]
    public async Task SetStatus_when_two_devices_go_online_and_offline_at_once_leaves_valkey_and_stream_agreeing()
    {
        var (app, _, mitraId) = await hosts.NewOnlineMitraAsync();
        for (var round = 0; round < Rounds; round++)
        {
            await AtOnce(
                () => app.SetMitraStatusAsync(new SetMitraStatus { Online = false }),
                () => app.SetMitraStatusAsync(new SetMitraStatus { Online = true }));

            await ShouldAgreeAsync(app, mitraId, round);
            await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        }
    }

    [Fact]
    public async Task GoOnline_when_a_stale_offline_is_being_finished_records_no_false_timeout()
    {
        var (app, _, mitraId) = await hosts.NewOnlineMitraAsync();
        for (var round = 0; round < Rounds; round++)
        {
            await app.SetMitraStatusAsync(new SetMitraStatus { Online = false });
            // The going-offline note is now "stale" for a sweeper that looks a second ahead.
            await AtOnce(
                () => Service<PresenceTransitions>().FinishStaleAsync(DateTimeOffset.UtcNow.AddSeconds(1), CancellationToken.None),
                () => app.SetMitraStatusAsync(new SetMitraStatus { Online = true }));

            await ShouldAgreeAsync(app, mitraId, round);
            (await TransitionsAsync(mitraId)).OfType<MitraWentOffline>().Should().OnlyContain(e => e.Reason == OfflineReasons.Manual,
                $"round {round}: the mitra only went offline by hand, then online again");
            await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        }
    }

    [Fact]
    public async Task Sweep_when_a_dead_instance_left_an_offline_halfway_finishes_it_and_tells_the_app()
    {
        var (app, token, mitraId) = await hosts.NewOnlineMitraAsync();
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);
        // An instance took the mitra out of the online set and died before writing the event.
        await Service<IPresenceStore>().BeginOfflineAsync(mitraId, DateTimeOffset.UtcNow);
        (await app.GetMyMitraProfileAsync()).Online.Should().BeTrue("the stream still says online");

        // The sweeper finishes notes older than any transition takes (30 s; here: a second ahead).
        await Service<PresenceTransitions>().FinishStaleAsync(DateTimeOffset.UtcNow.AddSeconds(1), CancellationToken.None);

        await ShouldAgreeAsync(app, mitraId, 0);
        (await app.GetMyMitraProfileAsync()).Online.Should().BeFalse();
        (await TransitionsAsync(mitraId)).OfType<MitraWentOffline>().Should().ContainSingle().Which.Reason.Should().Be(OfflineReasons.HeartbeatTimeout);
        (await stream.NextOfTypeAsync("presence.offline")).Data.Should().Contain("heartbeat-timeout");
        (await Problems.ProblemOf(() => app.RecordHeartbeatAsync())).Status.Should().Be(409, "an offline mitra goes online again first");
        await Service<PresenceTransitions>().FinishStaleAsync(DateTimeOffset.UtcNow.AddSeconds(1), CancellationToken.None);
        (await TransitionsAsync(mitraId)).OfType<MitraWentOffline>().Should().ContainSingle("the note was dropped with the first finish");
    }

    [Fact]
    public async Task Restore_when_the_stream_it_read_went_offline_since_leaves_the_mitra_offline()
    {
        // A sweeper read "online" from the stream; before it restored, another instance finished a
        // half-done offline (committed the event and dropped the note). The restore must not undo it.
        var (app, _, mitraId) = await hosts.NewOnlineMitraAsync();
        await Service<IPresenceStore>().BeginOfflineAsync(mitraId, DateTimeOffset.UtcNow); // an instance died halfway
        IReadOnlyList<Guid> readBefore = [mitraId];
        await Service<PresenceTransitions>().FinishStaleAsync(DateTimeOffset.UtcNow.AddSeconds(1), CancellationToken.None);

        var restored = await Service<PresenceTransitions>().RestoreMissingAsync(readBefore, CancellationToken.None);

        restored.Should().BeEmpty();
        await ShouldAgreeAsync(app, mitraId, 0);
        (await app.GetMyMitraProfileAsync()).Online.Should().BeFalse();
    }

    [Fact]
    public async Task Heartbeat_when_the_instance_used_stops_keeps_the_mitras_online_through_the_others()
    {
        var other = hosts.AnotherPublicHost();
        var mitras = new List<(PublicApiClient App, Guid Id)>();
        for (var i = 0; i < 5; i++)
        {
            var (_, token, mitraId, _) = await hosts.NewSignedInMitraAsync();
            var viaOther = HostsFixture.PublicOn(other, token);
            await viaOther.SetMitraStatusAsync(new SetMitraStatus { Online = true });
            await viaOther.RecordHeartbeatAsync();
            mitras.Add((hosts.PublicAs(token), mitraId));
        }

        await other.DisposeAsync(); // the instance they went online and heartbeated through

        foreach (var (app, mitraId) in mitras)
        {
            await app.RecordHeartbeatAsync(); // on the fixture's instance: 204, nothing to redo
            (await app.GetMyMitraProfileAsync()).Online.Should().BeTrue();
            await ShouldAgreeAsync(app, mitraId, 0);
        }
    }

    private T Service<T>() where T : notnull => hosts.Public.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private static async Task AtOnce(Func<Task> first, Func<Task> second)
    {
        var start = new TaskCompletionSource();
        var a = Task.Run(async () => { await start.Task; await first(); });
        var b = Task.Run(async () => { await start.Task; await second(); });
        start.SetResult();
        await Task.WhenAll(a, b);
    }

    private async Task<List<object>> TransitionsAsync(Guid mitraId)
    {
        await using var session = hosts.Public.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(mitraId)).Select(e => e.Data).Where(d => d is MitraWentOnline or MitraWentOffline).ToList();
    }

    private async Task ShouldAgreeAsync(PublicApiClient app, Guid mitraId, int round)
    {
        bool onStream;
        await using (var session = hosts.Public.Services.GetRequiredService<IDocumentStore>().QuerySession())
            onStream = (await session.LoadAsync<Mitra>(mitraId))!.IsOnline;
        var inValkey = await Service<IPresenceStore>().IsOnlineAsync(mitraId);

        inValkey.Should().Be(onStream, $"round {round}: Valkey says {(inValkey ? "online" : "offline")}, the stream {(onStream ? "online" : "offline")}");
        (await app.GetMyMitraProfileAsync()).Online.Should().Be(onStream);
        var transitions = await TransitionsAsync(mitraId);
        transitions.Select(t => t is MitraWentOnline).Should().Equal(
            Enumerable.Range(0, transitions.Count).Select(i => i % 2 == 0), $"round {round}: online and offline alternate on the stream");
    }
}
