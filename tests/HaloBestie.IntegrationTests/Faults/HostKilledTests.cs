using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Sessions;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Pub = HaloBestie.Clients.Public;

namespace HaloBestie.IntegrationTests.Faults;

/// <summary>
/// A public host killed (SIGKILL) in the middle of many accepts (every mitra trying every
/// request, continuously): whatever it had committed stands whole, whatever it had not left no
/// trace, and the other instances carry on.
/// The host is the real program in its own process; the checks read the shared PostgreSQL.
/// </summary>
public sealed class HostKilledTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Accept_when_a_host_is_killed_mid_race_leaves_every_request_whole_and_no_mitra_over_capacity()
    {
        const int capacity = 3; // the platform default
        var mitras = new List<(Pub.PublicApiClient App, string Token, Guid Id)>();
        for (var i = 0; i < 10; i++)
            mitras.Add(await hosts.NewOnlineMitraAsync());
        var clients = new List<(Pub.PublicApiClient App, string Token, Guid Id)>();
        var requests = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            var client = await hosts.NewRegisteredClientAsync();
            clients.Add(client);
            requests.Add((await client.Client.RequestPairingAsync(new Pub.RequestPairing())).Id);
        }

        using var victim = StartPublicHostProcess(out var baseUrl);
        await WaitReadyAsync(baseUrl);
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        var firstWin = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Every mitra keeps trying every request (201, then 409s) until the host is gone, so
        // there are always accepts in flight when it dies.
        var loops = mitras.Select(mitra => Task.Run(async () =>
        {
            var cutOff = 0;
            for (var pass = 0; pass < 50 && cutOff == 0; pass++)
            {
                foreach (var request in requests.OrderBy(_ => Random.Shared.Next()))
                {
                    if (await SendAcceptAsync(http, mitra.Token, request, firstWin) is null)
                    {
                        cutOff++;
                        break;
                    }
                }
            }
            return cutOff;
        })).ToList();
        // Kill it the moment the first accept has committed.
        await firstWin.Task.WaitAsync(TimeSpan.FromSeconds(30));
        victim.Kill(entireProcessTree: true);
        var cutOffs = await Task.WhenAll(loops);
        cutOffs.Sum().Should().BePositive("the kill cut accepts off mid-request");

        var store = hosts.Service<IDocumentStore>();
        await using var session = store.QuerySession();
        var pairing = await session.Query<PairingRequest>().Where(r => r.Id.IsOneOf(requests.ToArray())).ToListAsync();
        var sessions = await session.Query<Session>().Where(s => s.RequestId.IsOneOf(requests.ToArray())).ToListAsync();
        foreach (var request in pairing)
        {
            var of = sessions.Where(s => s.RequestId == request.Id).ToList();
            if (request.Status == PairingStatus.Matched)
                of.Should().ContainSingle().Which.Id.Should().Be(request.SessionId!.Value, "a matched request has exactly its one session");
            else
                of.Should().BeEmpty("a request not matched started no session");
        }
        var mitraIds = mitras.Select(m => m.Id).ToArray();
        foreach (var mitra in await session.Query<Mitra>().Where(m => m.Id.IsOneOf(mitraIds)).ToListAsync())
        {
            var active = sessions.Count(s => s.MitraId == mitra.Id && s.Status == SessionStatus.Active);
            mitra.ActiveSessions.Should().Be(active, "the mitra's count is the sessions it really has");
            active.Should().BeLessThanOrEqualTo(capacity);
        }
        foreach (var client in clients)
        {
            var entitlements = await hosts.PublicAs(client.Token).GetMyEntitlementsAsync();
            var has = sessions.Count(s => s.ClientId == client.Id);
            has.Should().BeLessThanOrEqualTo(1);
            entitlements.TrialSessionsLeft.Should().Be(1 - has, "the trial is spent exactly when a session started");
        }

        // The surviving instance serves what was left searching.
        var left = pairing.Where(r => r.Status == PairingStatus.Searching).Select(r => r.Id).ToList();
        var free = mitras.Where(m => sessions.Count(s => s.MitraId == m.Id) < capacity).ToList();
        if (left.Count > 0 && free.Count > 0)
            (await free[0].App.AcceptPairingRequestAsync(left[0])).SessionId.Should().NotBeEmpty();
    }

    private static async Task<HttpStatusCode?> SendAcceptAsync(HttpClient http, string token, Guid requestId, TaskCompletionSource firstWin)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/mitra/pairing-requests/{requestId}/accept");
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(message);
            if (response.StatusCode == HttpStatusCode.Created)
                firstWin.TrySetResult();
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null; // the host died with the request in flight
        }
    }

    private Process StartPublicHostProcess(out string baseUrl)
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        baseUrl = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();

        var dll = typeof(Api.Public.Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Test";
        start.Environment["Urls"] = baseUrl;
        start.Environment["ConnectionStrings__Postgres"] = hosts.Servers.Postgres;
        start.Environment["ConnectionStrings__Valkey"] = hosts.Servers.Valkey;
        start.Environment["Marten__Schema"] = hosts.Schema;
        start.Environment["Valkey__KeyPrefix"] = hosts.KeyPrefix;
        start.Environment["Firebase__ProjectId"] = FirebaseTokens.ProjectId;
        start.Environment["FIREBASE_AUTH_EMULATOR_HOST"] = "127.0.0.1:9099";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(string baseUrl)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync("/health/ready");
                if (ready.IsSuccessStatusCode)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            DateTime.UtcNow.Should().BeBefore(deadline, "the host process becomes ready");
            await Task.Delay(100);
        }
    }
}
