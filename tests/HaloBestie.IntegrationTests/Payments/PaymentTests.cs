using System.Net;
using System.Text;
using System.Text.Json;
using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;
using PaymentStatus = HaloBestie.Clients.Public.PaymentStatus;
using Payment = HaloBestie.Domain.Payments.Payment;
using PaymentWebhook = HaloBestie.Application.Payments.PaymentWebhook;

namespace HaloBestie.IntegrationTests.Payments;

public sealed class PaymentTests(HostsFixture hosts) : IClassFixture<HostsFixture>, IAsyncLifetime
{
    private const string SecretKey = "xnd_development_test_key";
    private const string CallbackToken = "callback-token-for-tests";
    private const string SuccessRedirectUrl = "halobestie://payments/success";
    private const string FailureRedirectUrl = "https://halobestie.app/payments/failed";
    private FakeXendit _xendit = null!;
    private WebApplicationFactory<Api.Public.Program> _public = null!;

    public async Task InitializeAsync()
    {
        _xendit = await FakeXendit.StartAsync();
        _public = hosts.Public.WithWebHostBuilder(b => b
            .UseSetting("Xendit:BaseUrl", _xendit.Url)
            .UseSetting("Xendit:SecretKey", SecretKey)
            .UseSetting("Xendit:CallbackToken", CallbackToken)
            .UseSetting("Xendit:SuccessRedirectUrl", SuccessRedirectUrl)
            .UseSetting("Xendit:FailureRedirectUrl", FailureRedirectUrl)
            .UseSetting("Xendit:InvoiceDurationSeconds", "7200"));
    }

    public async Task DisposeAsync()
    {
        await _public.DisposeAsync();
        await _xendit.DisposeAsync();
    }

    private async Task<PackageRef> NewPackageAsync(int sessions = 5, long price = 250_000)
    {
        var created = await (await hosts.AdminAsync()).CreatePackageAsync(new CreatePackage { Name = $"Paket {sessions} sesi {Guid.NewGuid():N}"[..30], Sessions = sessions, PriceIdr = price });
        return new PackageRef(created.Id, created.Name, sessions, price);
    }

    private sealed record PackageRef(Guid Id, string Name, int Sessions, long Price);

    private async Task<(PublicApiClient App, string Token, Guid ClientId)> ClientAsync()
    {
        var (_, token, id) = await hosts.NewRegisteredClientAsync();
        return (HostsFixture.PublicOn(_public, token), token, id);
    }

    [Fact]
    public async Task StartPayment_when_retried_with_the_same_idempotency_key_answers_the_same_payment_and_creates_one_invoice()
    {
        var package = await NewPackageAsync();
        var other = await NewPackageAsync(sessions: 1, price: 60_000);
        var (app, _, _) = await ClientAsync();
        var (stranger, _, _) = await ClientAsync();
        var key = Guid.NewGuid().ToString();
        var before = _xendit.Requests.Count; // this class's own fake: its tests run one at a time

        var answers = await Race.AtOnceAsync(3, _ => app.StartPaymentAsync(key, new StartPayment { PackageId = package.Id }));
        var again = await app.StartPaymentAsync(key, new StartPayment { PackageId = package.Id });
        var otherPackage = await ProblemOf(() => app.StartPaymentAsync(key, new StartPayment { PackageId = other.Id }));
        var strangersOwn = await stranger.StartPaymentAsync(key, new StartPayment { PackageId = package.Id });
        var withoutKey = new[] { await app.StartPaymentAsync(null, new StartPayment { PackageId = package.Id }), await app.StartPaymentAsync(null, new StartPayment { PackageId = package.Id }) };

        answers.Select(a => (a.PaymentId, a.InvoiceUrl)).Distinct().Should().ContainSingle("a double tap and its retries are one payment");
        (again.PaymentId, again.InvoiceUrl).Should().Be((answers[0].PaymentId, answers[0].InvoiceUrl));
        (otherPackage.Status, otherPackage.Name, otherPackage.Extensions!["code"]).Should().Be((409, "conflict", "idempotency-key-reused"));
        strangersOwn.PaymentId.Should().NotBe(answers[0].PaymentId, "a key belongs to its client");
        withoutKey[0].PaymentId.Should().NotBe(withoutKey[1].PaymentId, "without a key every call is a new payment");
        (_xendit.Requests.Count - before).Should().Be(4, "one invoice for the keyed payment, one for the stranger's, two without a key");
        (await app.GetMyPaymentAsync(answers[0].PaymentId)).PackageId.Should().Be(package.Id);
        (await ProblemOf(() => app.StartPaymentAsync(new string('k', 256), new StartPayment { PackageId = package.Id }))).Name.Should().Be("validation");
    }

    private async Task<HttpResponseMessage> CallbackAsync(string? token, object body)
    {
        using var http = _public.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/shared/payments/xendit/callback")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
            request.Headers.Add("x-callback-token", token);
        return await http.SendAsync(request);
    }

    private static object Paid(Guid paymentId, long amount, string status = "PAID") =>
        new { id = "inv_x", external_id = paymentId.ToString(), status, amount, paid_amount = amount, currency = "IDR" };

    [Fact]
    public async Task Checkout_when_the_package_is_on_sale_creates_a_xendit_invoice_and_a_pending_payment()
    {
        var package = await NewPackageAsync();
        var email = $"payer-{Guid.NewGuid():N}@example.com";
        var token = FirebaseTokens.Emulator("client-" + Guid.NewGuid().ToString("N"), "google.com", email: email);
        var app = HostsFixture.PublicOn(_public, token);
        await app.SignInClientAsync();

        var started = await app.StartPaymentAsync(null, new StartPayment { PackageId = package.Id });

        started.InvoiceUrl.Should().StartWith("https://checkout-staging.xendit.co/web/");
        _xendit.Requests.Should().ContainSingle("creating an invoice is one call");
        var (authorization, body) = _xendit.Requests.Single();
        authorization.Should().Be("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretKey + ":")));
        body.GetProperty("external_id").GetString().Should().Be(started.PaymentId.ToString());
        body.GetProperty("amount").GetInt64().Should().Be(package.Price);
        body.GetProperty("currency").GetString().Should().Be("IDR");
        body.GetProperty("description").GetString().Should().Be($"Halo Bestie — {package.Name} ({package.Sessions} sesi)");
        body.GetProperty("payer_email").GetString().Should().Be(email, "the email of the client's Google sign-in");
        body.GetProperty("success_redirect_url").GetString().Should().Be(SuccessRedirectUrl);
        body.GetProperty("failure_redirect_url").GetString().Should().Be(FailureRedirectUrl);
        body.GetProperty("invoice_duration").GetInt64().Should().Be(7200);
        var payment = await app.GetMyPaymentAsync(started.PaymentId);
        payment.Status.Should().Be(PaymentStatus.Pending);
        payment.Sessions.Should().Be(package.Sessions);

        var (stranger, _, _) = await ClientAsync();
        (await ProblemOf(() => stranger.GetMyPaymentAsync(started.PaymentId))).Status.Should().Be(404);
    }

    [Fact]
    public async Task Checkout_when_the_client_has_no_email_invoices_without_payer_email()
    {
        var package = await NewPackageAsync();
        var token = FirebaseTokens.Emulator("client-" + Guid.NewGuid().ToString("N"), "phone", phone: $"+62812{Random.Shared.Next(10_000_000, 99_999_999)}");
        var app = HostsFixture.PublicOn(_public, token);
        await app.SignInClientAsync();

        await app.StartPaymentAsync(null, new StartPayment { PackageId = package.Id });

        var body = _xendit.Requests.Single().Body;
        body.TryGetProperty("payer_email", out _).Should().BeFalse();
        body.GetProperty("external_id").GetString().Should().NotBeNullOrEmpty();
    }

    [Theory]
    [InlineData(FakeXendit.Mode.BadRequest)]
    [InlineData(FakeXendit.Mode.Unauthorized)]
    [InlineData(FakeXendit.Mode.ServerError)]
    [InlineData(FakeXendit.Mode.Slow)]
    public async Task Checkout_when_xendit_fails_returns_503_and_stores_no_payment(FakeXendit.Mode mode)
    {
        var package = await NewPackageAsync();
        var (app, _, clientId) = await ClientAsync();
        _xendit.Behaviour = mode;
        try
        {
            var problem = await ProblemOf(() => app.StartPaymentAsync(null, new StartPayment { PackageId = package.Id }));

            problem.Should().BeEquivalentTo(new { Status = 503, Name = "payment-provider-unavailable" }, o => o.ExcludingMissingMembers());
            _xendit.Requests.Should().ContainSingle("an invoice POST is never retried: a retry after a lost answer would make a second invoice");
            await using var session = hosts.Service<IDocumentStore>().QuerySession();
            (await session.Query<Payment>().CountAsync(p => p.ClientId == clientId)).Should().Be(0);
        }
        finally
        {
            _xendit.Behaviour = FakeXendit.Mode.Ok;
        }
    }

    [Fact]
    public async Task Checkout_when_xendit_is_not_configured_returns_503()
    {
        var package = await NewPackageAsync();
        var (_, token, _) = await hosts.NewRegisteredClientAsync();

        var problem = await ProblemOf(() => hosts.PublicAs(token).StartPaymentAsync(null, new StartPayment { PackageId = package.Id }));

        problem.Status.Should().Be(503);
    }

    [Fact]
    public async Task Paid_callback_when_sent_twenty_times_at_once_credits_once()
    {
        var package = await NewPackageAsync(sessions: 5);
        var (app, token, _) = await ClientAsync();
        var before = await app.GetMyEntitlementsAsync();
        var started = await app.StartPaymentAsync(null, new StartPayment { PackageId = package.Id });
        await using var stream = await EventStreamReader.OpenAsync(_public.CreateClient(), "/api/client/events", token);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CallbackAsync(CallbackToken, Paid(started.PaymentId, package.Price))));

        answers.Should().OnlyContain(a => a.StatusCode == HttpStatusCode.OK);
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        bodies.Count(b => b.Contains("\"credited\"")).Should().Be(1);
        bodies.Where(b => !b.Contains("\"credited\"")).Should().OnlyContain(b => b.Contains("already-applied"));
        var after = await app.GetMyEntitlementsAsync();
        after.Credits.Should().Be(before.Credits + 5);
        (await app.GetMyPaymentAsync(started.PaymentId)).Status.Should().Be(PaymentStatus.Paid);
        (await stream.NextOfTypeAsync("payment.paid")).Data.Should().Contain(started.PaymentId.ToString());

        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        (await session.Query<PaymentWebhook>().CountAsync(w => w.ExternalId == started.PaymentId.ToString())).Should().Be(20, "every callback is kept for audit");
    }

    [Fact]
    public async Task Callback_when_the_token_is_wrong_or_missing_returns_401_and_changes_nothing()
    {
        using var observed = Observed.Start();
        var package = await NewPackageAsync();
        var (app, _, _) = await ClientAsync();
        var started = await app.StartPaymentAsync(null, new StartPayment { PackageId = package.Id });

        (await CallbackAsync("not-the-token", Paid(started.PaymentId, package.Price))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await CallbackAsync(null, Paid(started.PaymentId, package.Price))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        (await app.GetMyPaymentAsync(started.PaymentId)).Status.Should().Be(PaymentStatus.Pending);
        await using var session = hosts.Service<IDocumentStore>().QuerySession();
        (await session.Query<PaymentWebhook>().CountAsync(w => w.ExternalId == started.PaymentId.ToString())).Should().Be(0);
        observed.Sum("halobestie.payments.callbacks", t => Equals(t["outcome"], "unauthorized")).Should().Be(2, "refused callbacks are counted: an alert on them finds a wrong token");
    }

    [Fact]
    public async Task Callback_when_the_amount_is_wrong_credits_nothing_and_expired_or_unknown_is_acknowledged()
    {
        using var observed = Observed.Start();
        var package = await NewPackageAsync(sessions: 3, price: 150_000);
        var (app, _, _) = await ClientAsync();
        var credits = (await app.GetMyEntitlementsAsync()).Credits;
        var first = await app.StartPaymentAsync(null, new StartPayment { PackageId = package.Id });
        var second = await app.StartPaymentAsync(null, new StartPayment { PackageId = package.Id });

        var wrong = await CallbackAsync(CallbackToken, Paid(first.PaymentId, 1_000));
        (await wrong.Content.ReadAsStringAsync()).Should().Contain("amount-mismatch");
        (await app.GetMyPaymentAsync(first.PaymentId)).Status.Should().Be(PaymentStatus.Pending);

        (await CallbackAsync(CallbackToken, new { id = "inv_y", external_id = second.PaymentId.ToString(), status = "EXPIRED", amount = package.Price })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.GetMyPaymentAsync(second.PaymentId)).Status.Should().Be(PaymentStatus.Expired);

        var unknown = await CallbackAsync(CallbackToken, Paid(Guid.NewGuid(), 10_000));
        unknown.StatusCode.Should().Be(HttpStatusCode.OK);
        (await unknown.Content.ReadAsStringAsync()).Should().Contain("unknown-payment");
        (await app.GetMyEntitlementsAsync()).Credits.Should().Be(credits);
        foreach (var outcome in new[] { "amount-mismatch", "expired", "unknown-payment" })
            observed.Sum("halobestie.payments.callbacks", t => Equals(t["outcome"], outcome)).Should().Be(1, outcome);
    }

    [Fact]
    public async Task Paid_callback_when_the_amount_has_a_zero_fraction_credits_it_as_the_same_amount()
    {
        var package = await NewPackageAsync(sessions: 2, price: 120_000);
        var (app, _, _) = await ClientAsync();
        var started = await app.StartPaymentAsync(null, new StartPayment { PackageId = package.Id });
        using var http = _public.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/shared/payments/xendit/callback")
        {
            Content = new StringContent($"{{\"external_id\":\"{started.PaymentId}\",\"status\":\"PAID\",\"paid_amount\":120000.0}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-callback-token", CallbackToken);

        var answer = await http.SendAsync(request);

        (await answer.Content.ReadAsStringAsync()).Should().Contain("credited");
        (await app.GetMyPaymentAsync(started.PaymentId)).Status.Should().Be(PaymentStatus.Paid);
    }

    [Fact]
    public async Task ListPayments_when_staff_ask_for_a_client_returns_its_payments_newest_first()
    {
        var paidPackage = await NewPackageAsync(sessions: 5, price: 250_000);
        var pendingPackage = await NewPackageAsync(sessions: 1, price: 60_000);
        var (app, _, clientId) = await ClientAsync();
        var paid = await app.StartPaymentAsync(null, new StartPayment { PackageId = paidPackage.Id });
        (await CallbackAsync(CallbackToken, Paid(paid.PaymentId, paidPackage.Price))).StatusCode.Should().Be(HttpStatusCode.OK);
        var pending = await app.StartPaymentAsync(null, new StartPayment { PackageId = pendingPackage.Id });
        var (_, other, _) = await ClientAsync();
        await HostsFixture.PublicOn(_public, other).StartPaymentAsync(null, new StartPayment { PackageId = paidPackage.Id });
        var (op, _) = await hosts.NewStaffAsync();

        var detail = await op.GetClientAsync(clientId);

        detail.Credits.Should().Be(5);
        detail.Payments.Should().NotBeNull();
        detail.Payments!.Select(p => p.Id).Should().Equal(pending.PaymentId, paid.PaymentId);
        detail.Payments!.First().Should().BeEquivalentTo(new
        {
            Id = pending.PaymentId, PackageName = pendingPackage.Name, Sessions = 1, AmountIdr = 60_000L,
            Status = HaloBestie.Clients.Internal.PaymentStatus.Pending, PaidAt = (DateTimeOffset?)null,
        }, o => o.ExcludingMissingMembers());
        detail.Payments!.Last().Should().BeEquivalentTo(new
        {
            Id = paid.PaymentId, PackageName = paidPackage.Name, Sessions = 5, AmountIdr = 250_000L,
            Status = HaloBestie.Clients.Internal.PaymentStatus.Paid,
        }, o => o.ExcludingMissingMembers());
        detail.Payments!.Last().PaidAt.Should().NotBeNull();
        detail.Payments!.Last().PaidAt.Should().BeOnOrAfter(detail.Payments!.Last().CreatedAt);
    }

    [Fact]
    public async Task ListPackages_when_an_admin_deactivated_one_shows_clients_only_active_ones()
    {
        var admin = await hosts.AdminAsync();
        var package = await NewPackageAsync(sessions: 1, price: 60_000);
        var (app, _, _) = await ClientAsync();
        (await app.ListPackagesAsync()).Should().Contain(p => p.Id == package.Id && p.PriceIdr == 60_000);

        await admin.UpdatePackageAsync(package.Id, new UpdatePackageBody { Name = "Satu sesi", Sessions = 1, PriceIdr = 60_000, IsActive = false });
        (await app.ListPackagesAsync()).Should().NotContain(p => p.Id == package.Id);
        (await ProblemOf(() => app.StartPaymentAsync(null, new StartPayment { PackageId = package.Id }))).Status.Should().Be(404);

        (await ProblemOf(() => admin.CreatePackageAsync(new CreatePackage { Name = "x", Sessions = 0, PriceIdr = 5 }))).Errors.Keys.Should().BeEquivalentTo("sessions", "priceIdr");
        var (op, _) = await hosts.NewStaffAsync();
        (await ProblemOf(() => op.ListAllPackagesAsync())).Status.Should().Be(403);
    }
}
