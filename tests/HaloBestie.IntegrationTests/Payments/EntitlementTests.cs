using System.Text;
using System.Text.Json;
using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using HaloBestie.Domain.Clients;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;
using DomainSession = HaloBestie.Domain.Sessions.Session;
using PairingStatus = HaloBestie.Clients.Public.PairingStatus;

namespace HaloBestie.IntegrationTests.Payments;

/// <summary>Own schema: these tests change trialSessions.</summary>
public class EntitlementTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private Task SetTrialSessionsAsync(int trial) => hosts.ChangeSettingsAsync(s => s.TrialSessions = trial);

    [Fact]
    public async Task Request_when_a_registered_client_spent_its_one_trial_returns_payment_required()
    {
        await SetTrialSessionsAsync(1);
        var uid = "uid-" + Guid.NewGuid().ToString("N");
        var guest = hosts.PublicAs(FirebaseTokens.Emulator(uid));
        await guest.SignInClientAsync();
        (await guest.GetMyEntitlementsAsync()).TrialSessionsLeft.Should().Be(0, "guests get no trial");

        var client = hosts.PublicAs(FirebaseTokens.Emulator(uid, "google.com"));
        await client.RegisterClientAsync();
        await client.SignInClientAsync();
        (await client.GetMyEntitlementsAsync()).Should().BeEquivalentTo(new { TrialSessionsLeft = 1, Credits = 0 });

        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var first = await client.RequestPairingAsync(new RequestPairing());
        var session = await mitra.AcceptPairingRequestAsync(first.Id);
        (await client.GetMyEntitlementsAsync()).TrialSessionsLeft.Should().Be(0);
        await client.EndMySessionAsync(session.SessionId, null);

        (await ProblemOf(() => client.RequestPairingAsync(new RequestPairing()))).Should().BeEquivalentTo(new { Status = 403, Name = "payment-required" }, o => o.ExcludingMissingMembers());
        var detail = await (await hosts.AdminAsync()).GetClientAsync((await client.GetMyClientProfileAsync()).Id);
        detail.TrialSessionsLeft.Should().Be(0);
        detail.SessionCount.Should().Be(1);
    }

    [Fact]
    public async Task Request_when_the_trial_is_disabled_returns_payment_required_to_a_new_client()
    {
        await SetTrialSessionsAsync(0);
        try
        {
            var (client, _, _) = await hosts.NewRegisteredClientAsync();

            (await client.GetMyEntitlementsAsync()).TrialSessionsLeft.Should().Be(0);
            (await ProblemOf(() => client.RequestPairingAsync(new RequestPairing()))).Name.Should().Be("payment-required");
        }
        finally
        {
            await SetTrialSessionsAsync(1);
        }
    }

    [Fact]
    public async Task EndByStaff_when_within_five_minutes_gives_the_credit_back_and_a_client_end_does_not()
    {
        await SetTrialSessionsAsync(1);
        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var (staff, _) = await hosts.NewStaffAsync();

        var (returned, _, _) = await hosts.NewRegisteredClientAsync();
        var s1 = await mitra.AcceptPairingRequestAsync((await returned.RequestPairingAsync(new RequestPairing())).Id);
        await staff.EndSessionByStaffAsync(s1.SessionId, new EndSessionByStaffBody { Reason = "reroute impossible" });
        (await returned.GetMyEntitlementsAsync()).TrialSessionsLeft.Should().Be(1);

        var (kept, _, _) = await hosts.NewRegisteredClientAsync();
        var s2 = await mitra.AcceptPairingRequestAsync((await kept.RequestPairingAsync(new RequestPairing())).Id);
        await kept.EndMySessionAsync(s2.SessionId, null);
        (await kept.GetMyEntitlementsAsync()).TrialSessionsLeft.Should().Be(0);
    }

    [Fact]
    public async Task Accept_when_the_client_has_one_session_to_spend_starts_one_whatever_the_taps()
    {
        await SetTrialSessionsAsync(1);
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var admin = await hosts.AdminAsync();
        var mitras = new List<(PublicApiClient App, string Token, Guid MitraId)>();
        for (var i = 0; i < 4; i++)
            mitras.Add(await hosts.NewOnlineMitraAsync(admin));
        using var observed = Observed.Start();

        var taps = await Race.AtOnceAsync(2, _ => AnswerOf(() => client.RequestPairingAsync(new RequestPairing())));

        // Every answer is read: a 500 is neither the tap that won nor the one refused.
        taps.Count(t => t.Status == 201).Should().Be(1);
        taps.Where(t => t.Status != 201).Should().ContainSingle().Which.Should().BeEquivalentTo(new { Status = 409, Problem = "already-searching" }, o => o.ExcludingMissingMembers());
        observed.MostAtOnceInServer("POST /api/client/pairing-requests").Should().Be(2, "both taps were handled at the same time");
        var requestId = taps.Single(t => t.Status == 201).Value!.Id;

        var accepts = await Race.AtOnceAsync(mitras.Count, i => AnswerOf(() => mitras[i].App.AcceptPairingRequestAsync(requestId)));

        accepts.Count(a => a.Status == 201).Should().Be(1);
        accepts.Where(a => a.Status != 201).Should().HaveCount(3).And.OnlyContain(a => a.Status == 409 && a.Problem == "already-taken");
        // Four accepts do not always meet at the gate (the first may commit before the others reach
        // it: a fresh clone's run saw none once), but they are handled at the same time.
        observed.MostAtOnceInServer("POST /api/mitra/pairing-requests/{id}/accept").Should().BeGreaterThan(1, "the accepts were handled at the same time: the race really happened");
        (await client.GetMyEntitlementsAsync()).Should().BeEquivalentTo(new { TrialSessionsLeft = 0, Credits = 0 });
        (await client.ListMySessionsAsync(null, null)).Total.Should().Be(1);
    }

    [Fact]
    public async Task Accept_when_the_client_has_one_paid_credit_starts_one_session_and_then_it_must_pay()
    {
        await SetTrialSessionsAsync(0);
        try
        {
            await using var shop = await Shop.OpenAsync(hosts);
            var (client, token, clientId) = await hosts.NewRegisteredClientAsync();
            await shop.BuyAsync(token, sessions: 1);
            (await client.GetMyEntitlementsAsync()).Should().BeEquivalentTo(new { TrialSessionsLeft = 0, Credits = 1 });
            var admin = await hosts.AdminAsync();
            var mitras = new List<(PublicApiClient App, string Token, Guid MitraId)>();
            for (var i = 0; i < 4; i++)
                mitras.Add(await hosts.NewOnlineMitraAsync(admin));

            using var observed = Observed.Start();
            var taps = await Race.AtOnceAsync(2, _ => AnswerOf(() => client.RequestPairingAsync(new RequestPairing())));

            taps.Count(t => t.Status == 201).Should().Be(1);
            taps.Where(t => t.Status != 201).Should().ContainSingle().Which.Should().BeEquivalentTo(new { Status = 409, Problem = "already-searching" }, o => o.ExcludingMissingMembers());
            observed.MostAtOnceInServer("POST /api/client/pairing-requests").Should().Be(2, "both taps were handled at the same time");
            var requestId = taps.Single(t => t.Status == 201).Value!.Id;

            var accepts = await Race.AtOnceAsync(mitras.Count, i => AnswerOf(() => mitras[i].App.AcceptPairingRequestAsync(requestId)));

            accepts.Count(a => a.Status == 201).Should().Be(1);
            accepts.Where(a => a.Status != 201).Should().HaveCount(3).And.OnlyContain(a => a.Status == 409 && a.Problem == "already-taken");
            // Four accepts do not always meet at the gate (the first may commit before the others reach
            // it: a fresh clone's run saw none once), but they are handled at the same time.
            observed.MostAtOnceInServer("POST /api/mitra/pairing-requests/{id}/accept").Should().BeGreaterThan(1, "the accepts were handled at the same time: the race really happened");
            var sessionId = accepts.Single(a => a.Status == 201).Value!.SessionId;
            (await client.GetMyEntitlementsAsync()).Should().BeEquivalentTo(new { TrialSessionsLeft = 0, Credits = 0 });
            (await client.ListMySessionsAsync(null, null)).Total.Should().Be(1);
            (await admin.GetSessionAsync(sessionId)).PaidWith.Should().Be(CreditKinds.Paid);
            await using (var query = hosts.Service<IDocumentStore>().QuerySession())
            {
                var spent = (await query.Events.FetchStreamAsync(clientId)).Select(e => e.Data).OfType<CreditConsumed>().ToList();
                spent.Should().ContainSingle().Which.Should().BeEquivalentTo(new { SessionId = sessionId, Kind = CreditKinds.Paid });
                (await query.LoadAsync<Client>(clientId))!.Should().BeEquivalentTo(new { TrialSessionsLeft = 0, Credits = 0 }, o => o.ExcludingMissingMembers());
            }

            await client.EndMySessionAsync(sessionId, null);
            (await ProblemOf(() => client.RequestPairingAsync(new RequestPairing()))).Should().BeEquivalentTo(new { Status = 403, Name = "payment-required" }, o => o.ExcludingMissingMembers());
            (await client.GetMyEntitlementsAsync()).Should().BeEquivalentTo(new { TrialSessionsLeft = 0, Credits = 0 });
        }
        finally
        {
            await SetTrialSessionsAsync(1);
        }
    }

    /// <summary>
    /// The accept's own check (AcceptPairingRequest): the credit was spent after the request was
    /// made. The public API cannot get there (one searching request per client), so the test
    /// spends the credit by appending to the client's stream directly.
    /// </summary>
    [Fact]
    public async Task Accept_when_the_credit_is_already_spent_closes_the_request_as_payment_required()
    {
        await SetTrialSessionsAsync(0);
        try
        {
            await using var shop = await Shop.OpenAsync(hosts);
            var (client, token, clientId) = await hosts.NewRegisteredClientAsync();
            await shop.BuyAsync(token, sessions: 1);
            var (mitra, mitraToken, _) = await hosts.NewOnlineMitraAsync();
            await using var mitraEvents = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", mitraToken);
            var request = await client.RequestPairingAsync(new RequestPairing());
            (await mitraEvents.NextOfTypeAsync("pairing.offered")).Data.Should().Contain(request.Id.ToString());

            var store = hosts.Service<IDocumentStore>();
            await using (var write = store.LightweightSession())
            {
                write.Events.Append(clientId, new CreditConsumed(clientId, Guid.CreateVersion7(), CreditKinds.Paid, DateTimeOffset.UtcNow));
                await write.SaveChangesAsync();
            }
            (await client.GetMyEntitlementsAsync()).Should().BeEquivalentTo(new { TrialSessionsLeft = 0, Credits = 0 });

            (await ProblemOf(() => mitra.AcceptPairingRequestAsync(request.Id))).Should().BeEquivalentTo(new { Status = 409, Name = "request-closed" }, o => o.ExcludingMissingMembers());

            var closed = await client.GetMyPairingRequestAsync(request.Id);
            closed.Should().BeEquivalentTo(new { Status = PairingStatus.Cancelled, ClosedReason = (PairingRequestViewClosedReason?)PairingRequestViewClosedReason.PaymentRequired, SessionId = (Guid?)null }, o => o.ExcludingMissingMembers());
            (await mitraEvents.NextOfTypeAsync("pairing.closed")).Data.Should().Contain(request.Id.ToString()).And.Contain("\"reason\":\"cancelled\"");
            (await client.ListMySessionsAsync(null, null)).Total.Should().Be(0);
            (await client.GetMyEntitlementsAsync()).Should().BeEquivalentTo(new { TrialSessionsLeft = 0, Credits = 0 });
            await using (var query = store.QuerySession())
            {
                (await query.Query<DomainSession>().CountAsync(s => s.ClientId == clientId)).Should().Be(0);
                (await query.Events.FetchStreamAsync(clientId)).Select(e => e.Data).OfType<CreditConsumed>().Should().ContainSingle("only the test spent the credit");
            }
            (await ProblemOf(() => client.RequestPairingAsync(new RequestPairing()))).Name.Should().Be("payment-required");
        }
        finally
        {
            await SetTrialSessionsAsync(1);
        }
    }

    [Fact]
    public async Task EndByStaff_when_within_five_minutes_gives_a_paid_credit_back_as_a_paid_credit()
    {
        await SetTrialSessionsAsync(0);
        try
        {
            await using var shop = await Shop.OpenAsync(hosts);
            var (client, token, _) = await hosts.NewRegisteredClientAsync();
            await shop.BuyAsync(token, sessions: 1);
            var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
            var (staff, _) = await hosts.NewStaffAsync();

            var started = await mitra.AcceptPairingRequestAsync((await client.RequestPairingAsync(new RequestPairing())).Id);
            (await client.GetMyEntitlementsAsync()).Should().BeEquivalentTo(new { TrialSessionsLeft = 0, Credits = 0 });
            (await staff.GetSessionAsync(started.SessionId)).PaidWith.Should().Be(CreditKinds.Paid);
            await staff.EndSessionByStaffAsync(started.SessionId, new EndSessionByStaffBody { Reason = "reroute impossible" });

            (await client.GetMyEntitlementsAsync()).Should().BeEquivalentTo(new { TrialSessionsLeft = 0, Credits = 1 });
        }
        finally
        {
            await SetTrialSessionsAsync(1);
        }
    }

    /// <summary>201 with the answer, or the problem's status and name.</summary>
    private static async Task<(int Status, string Problem, T? Value)> AnswerOf<T>(Func<Task<T>> call)
    {
        try
        {
            return (201, "", await call());
        }
        catch (Exception e)
        {
            var problem = await ProblemOf(() => Task.FromException(e));
            return (problem.Status, problem.Name, default);
        }
    }

    /// <summary>A public host with payments on, over a fake Xendit: credits are bought through the real checkout and webhook.</summary>
    private sealed class Shop(HostsFixture hosts, FakeXendit xendit, WebApplicationFactory<Api.Public.Program> host) : IAsyncDisposable
    {
        private const string CallbackToken = "callback-token-for-tests";

        public static async Task<Shop> OpenAsync(HostsFixture hosts)
        {
            var xendit = await FakeXendit.StartAsync();
            return new Shop(hosts, xendit, hosts.Public.WithWebHostBuilder(b => b
                .UseSetting("Xendit:BaseUrl", xendit.Url)
                .UseSetting("Xendit:SecretKey", "xnd_development_test_key")
                .UseSetting("Xendit:CallbackToken", CallbackToken)));
        }

        /// <summary>Checkout of a new package of <paramref name="sessions"/>, then Xendit's PAID callback for it.</summary>
        public async Task BuyAsync(string clientToken, int sessions)
        {
            var package = await (await hosts.AdminAsync()).CreatePackageAsync(new CreatePackage { Name = $"Paket {Guid.NewGuid():N}"[..20], Sessions = sessions, PriceIdr = 50_000 });
            var started = await HostsFixture.PublicOn(host, clientToken).StartPaymentAsync(null, new StartPayment { PackageId = package.Id });
            using var http = host.CreateClient();
            var callback = new HttpRequestMessage(HttpMethod.Post, "/api/shared/payments/xendit/callback")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { id = "inv_x", external_id = started.PaymentId.ToString(), status = "PAID", amount = 50_000, paid_amount = 50_000 }),
                    Encoding.UTF8, "application/json"),
            };
            callback.Headers.Add("x-callback-token", CallbackToken);
            var answer = await http.SendAsync(callback);
            (await answer.Content.ReadAsStringAsync()).Should().Contain("\"credited\"");
        }

        public async ValueTask DisposeAsync()
        {
            await host.DisposeAsync();
            await xendit.DisposeAsync();
        }
    }
}
