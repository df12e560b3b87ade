using System.Diagnostics;
using HaloBestie.Benchmarks.Harness;
using Pub = HaloBestie.Clients.Public;

namespace HaloBestie.Benchmarks.Figures;

/// <summary>
/// How fast the push outbox drains to FCM (here the local fake, answering at once): one mitra
/// with <see cref="Sizes.PushDevices"/> app installations is offered one request, which queues
/// one push per installation in the request's commit; timed from the request's answer to the
/// last of them reaching the fake. Both hosts' outbox workers send (as in production). The
/// baseline is the fake itself: the same number of sends made straight from the driver, with
/// the workers' parallelism, without the outbox.
/// </summary>
public static class PushDrain
{
    public static async Task RunAsync(BenchSystem system, IReadOnlyList<BenchMitra> otherMitras, Sizes sizes, Report report)
    {
        // Mitras left online by the figures before would be offered the request too, and their
        // installations (the pairing figure gives each one) would queue pushes beside the 3,000
        // this figure names.
        await BenchSystem.OfflineAsync(otherMitras);
        // Pushes the figures before it queued (the accept race's offers and withdrawals, the
        // withdrawals just made) are sent first: in the full run its own would otherwise queue behind them.
        await PairingLatency.OutboxEmptyAsync(system, seconds: 120);
        var mitra = await system.SignedInMitraAsync();
        var tokens = new string[sizes.PushDevices];
        await Parallel.ForAsync(0, tokens.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) => tokens[i] = await BenchSystem.RegisterDeviceAsync(mitra, ct));
        await mitra.Api.SetMitraStatusAsync(new Pub.SetMitraStatus { Online = true });
        var ours = tokens.ToHashSet();
        var client = await system.NewClientAsync();

        var deliveredBefore = system.Fcm.DeliveredCount;
        var sent = Stopwatch.GetTimestamp();
        var request = await client.Api.RequestPairingAsync(new Pub.RequestPairing());
        var committedAt = DateTimeOffset.UtcNow;
        var answeredMs = Stats.Ms(sent, Stopwatch.GetTimestamp());
        var deadline = DateTime.UtcNow.AddMinutes(2);
        // Ours are counted only once enough pushes arrived: counting them walks every push the
        // fake has received, 40,000 and more in a full run, which every 20 ms took a third of a
        // core from the machine the drain runs on.
        while (!(system.Fcm.DeliveredCount - deliveredBefore >= tokens.Length && system.Fcm.Delivered.Count(r => ours.Contains(r.Token)) >= tokens.Length)
               && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        var delivered = system.Fcm.Delivered.Where(r => ours.Contains(r.Token)).Select(r => r.At).Order().ToList();
        if (delivered.Count < tokens.Length)
            throw new InvalidOperationException($"Only {delivered.Count} of {tokens.Length} pushes reached the fake FCM within 2 minutes.");
        var seconds = (delivered[^1] - committedAt).TotalSeconds;
        var rate = tokens.Length / seconds;
        var firstMs = (delivered[0] - committedAt).TotalMilliseconds;
        await client.Api.CancelPairingRequestAsync(request.Id);
        // Offline again: the chat figure after this one pairs 501 sessions, and every request would
        // be offered to this mitra's installations (a push per installation, then a withdrawal per
        // installation at the accept: 1.35 million outbox rows in the full run of 2026-12-05, which
        // the outbox workers and PostgreSQL were still sending through while the chat figure ran).
        await mitra.Api.SetMitraStatusAsync(new Pub.SetMitraStatus { Online = false });

        var direct = await DirectRateAsync(system, tokens.Length);
        report.Add(new Row(
            $"push outbox drain: {tokens.Length} offer pushes queued by one request (one per installation) → the local fake FCM",
            $"{Report.F(rate, "0")} pushes/s ({Report.F(seconds, "0.00")} s for all; first after {Report.F(firstMs, "0")} ms)",
            $"{Report.F(direct, "0")} sends/s straight to the fake from the driver, 32 at a time",
            "≥ 1,000 pushes/s",
            rate >= 1000,
            $"the request queueing them was answered in {Report.F(answeredMs, "0")} ms; timed from its answer"));
    }

    /// <summary>The same number of <c>messages:send</c> calls, made by the driver itself, 32 at a time, with an access token from the fake.</summary>
    private static async Task<double> DirectRateAsync(BenchSystem system, int count)
    {
        using var http = new HttpClient { BaseAddress = new Uri(system.Fcm.Url) };
        var credential = Google.Apis.Auth.OAuth2.CredentialFactory.FromJson<Google.Apis.Auth.OAuth2.ServiceAccountCredential>(system.Fcm.ServiceAccountJson())
            .ToGoogleCredential().CreateScoped(Infrastructure.Push.FcmClient.Scope);
        var accessToken = await ((Google.Apis.Auth.OAuth2.ITokenAccess)credential).GetAccessTokenForRequestAsync();
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            using var send = new HttpRequestMessage(HttpMethod.Post, $"/v1/projects/{FakeFcm.FakeFcmServer.ProjectId}/messages:send")
            {
                Content = new StringContent("{\"message\":{\"token\":\"direct-" + i + "\",\"data\":{\"event\":\"bench.direct\"}}}", System.Text.Encoding.UTF8, "application/json"),
            };
            send.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
            using var response = await http.SendAsync(send, ct);
            response.EnsureSuccessStatusCode();
        });
        return count / Stats.Ms(started, Stopwatch.GetTimestamp()) * 1000;
    }
}
