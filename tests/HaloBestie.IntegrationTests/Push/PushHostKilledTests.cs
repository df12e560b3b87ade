using System.Net.Http.Headers;
using HaloBestie.Application.Push;
using HaloBestie.Clients.Public;
using HaloBestie.FakeFcm;
using HaloBestie.Infrastructure.Push;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using Xunit.Abstractions;

namespace HaloBestie.IntegrationTests.Push;

/// <summary>
/// The outbox survives its sender (PRODUCT.md §10): a public host, the real program in its own
/// process, is killed (SIGKILL) while it is sending 1,000 pushes; another instance delivers
/// every one. The in-process hosts of the fixture have push off until the survivor starts, so
/// the victim is the only sender before the kill.
/// </summary>
public sealed class PushHostKilledTests(HostsFixture hosts, ITestOutputHelper output) : IClassFixture<HostsFixture>
{
    private const int Devices = 1_000;

    [Fact]
    public async Task A_host_killed_while_1000_pushes_are_queued_leaves_them_to_the_survivor_which_delivers_every_one()
    {
        await using var fcm = await FakeFcmServer.StartAsync();
        var serviceAccount = fcm.WriteServiceAccount(Path.Combine(Path.GetTempPath(), $"halobestie-fcm-{Guid.NewGuid():N}.json"));
        try
        {
            await hosts.ChangeSettingsAsync(s => s.PairingTimeoutSeconds = 600); // the offer outlives the test
            var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
            var tokens = Enumerable.Range(0, Devices).Select(i => $"kill-{i}-{Guid.NewGuid():N}").ToList();
            await Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (token, _) =>
                await mitra.RegisterDeviceAsMitraAsync($"inst-{token}", new RegisterDeviceBody { FcmToken = token, Platform = RegisterDeviceBodyPlatform.Android }));
            var (_, clientToken, _) = await hosts.NewRegisteredClientAsync();

            fcm.Delay = TimeSpan.FromMilliseconds(100); // about 300 pushes a second from one host: it is mid-way when killed
            using var victim = ProgramProcess.Start(typeof(Api.Public.Program), hosts.ProgramEnvironment(new Dictionary<string, string>
            {
                ["Push__Fcm__ServiceAccountFile"] = serviceAccount,
                ["Push__Fcm__BaseUrl"] = fcm.Url,
            }));
            var address = await victim.WaitReadyAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = address };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", clientToken);
            await new PublicApiClient(http).RequestPairingAsync(new RequestPairing()); // queues one offer per installation

            (await Wait.Eventually(() => fcm.Received.Count >= 200, TimeSpan.FromSeconds(30))).Should().BeTrue("the victim was sending; it wrote:\n" + victim.Tail);
            victim.Kill();
            var atKill = fcm.Received.Count;
            (await QueuedAsync()).Should().BeGreaterThan(0, "pushes were still queued when the host died");

            fcm.Delay = TimeSpan.Zero;
            await using var survivor = hosts.Public.WithWebHostBuilder(b =>
            {
                b.UseSetting(FcmOptions.ServiceAccountFileKey, serviceAccount);
                b.UseSetting(FcmOptions.BaseUrlKey, fcm.Url);
            });
            _ = survivor.Server;

            (await Wait.Eventually(() => tokens.All(t => fcm.Delivered.Any(r => r.Token == t)), TimeSpan.FromSeconds(60))).Should().BeTrue(
                "the survivor delivers every push; {0} of {1} tokens reached", tokens.Count(t => fcm.Delivered.Any(r => r.Token == t)), Devices);
            (await Wait.Eventually(() => QueuedAsync().GetAwaiter().GetResult() == 0, TimeSpan.FromSeconds(10))).Should().BeTrue("nothing is left in the outbox");

            // A push whose FCM answer arrived before the kill but whose row was not yet settled is
            // sent again (same collapse key: the phone shows it once). At most one claimed batch.
            var twice = tokens.Count(t => fcm.Delivered.Count(r => r.Token == t) > 1);
            output.WriteLine($"{atKill} sends reached FCM before the kill; {twice} pushes were sent twice (answered by FCM, not yet settled when the host died)");
            twice.Should().BeLessThanOrEqualTo(PushDelivery.BatchSize);
            tokens.Should().OnlyContain(t => fcm.Delivered.Count(r => r.Token == t) <= 2, "no push is sent more than once by the survivor");
        }
        finally
        {
            File.Delete(serviceAccount);
        }
    }

    private async Task<long> QueuedAsync()
    {
        await using var connection = new NpgsqlConnection(hosts.Servers.Postgres);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"select count(*) from {hosts.Schema}.{PushOutbox.Table}", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

}
