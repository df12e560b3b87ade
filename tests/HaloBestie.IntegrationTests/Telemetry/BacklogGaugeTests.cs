using HaloBestie.Clients.Public;
using HaloBestie.Domain.Payments;
using HaloBestie.Infrastructure.Telemetry;
using HaloBestie.IntegrationTests.Conversation;
using HaloBestie.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace HaloBestie.IntegrationTests.Telemetry;

/// <summary>
/// The backlog behind <c>halobestie.timers.overdue</c> and <c>halobestie.payments.pending_over_hour</c>
/// (issue 21 item 6): alerts that fire when the durable timers stop keeping up or Xendit's callbacks
/// stop arriving, even though nothing is committed then. Read as of a chosen moment, so that the
/// timers, which would expire the request within a second, do not race the check.
/// </summary>
public sealed class BacklogGaugeTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Backlog_counts_requests_and_sessions_past_their_deadline_and_payments_pending_over_an_hour()
    {
        var gauges = hosts.Public.Services.GetRequiredService<DeploymentGauges>();
        var talk = await Talk.StartAsync(hosts); // an active session
        var (client, _, clientId) = await hosts.NewRegisteredClientAsync();
        var request = await client.RequestPairingAsync(new RequestPairing()); // searching
        var now = DateTimeOffset.UtcNow;
        await using (var session = hosts.Service<IDocumentStore>().LightweightSession())
        {
            var id = Guid.NewGuid();
            session.Events.StartStream<Payment>(id, new PaymentCreated(id, clientId, Guid.NewGuid(), "Paket", 1, 50_000, "inv_backlog", "https://x/inv", now.AddDays(1), now));
            await session.SaveChangesAsync();
        }

        (await gauges.BacklogAsync(now, default)).Should().Be(new DeploymentGauges.Backlog(0, 0, 0), "nothing is late yet");
        (await gauges.BacklogAsync(request.ExpiresAt + TimeSpan.FromSeconds(5), default)).RequestsOverdue.Should().Be(0, "5 s late is within the timers' slack");
        (await gauges.BacklogAsync(now.AddHours(2), default)).Should().Be(new DeploymentGauges.Backlog(1, 1, 1),
            "two hours on, the searching request and the active session are past their deadlines and the invoice still pending");
        _ = talk;
    }
}
