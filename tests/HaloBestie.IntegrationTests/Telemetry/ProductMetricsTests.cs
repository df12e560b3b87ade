using HaloBestie.Clients.Public;
using HaloBestie.Infrastructure.Telemetry;
using HaloBestie.IntegrationTests.Infrastructure;

namespace HaloBestie.IntegrationTests.Telemetry;

public class ProductMetricsTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Measure_when_mitras_pair_reports_heartbeats_outcomes_wait_streams_and_mitras_online()
    {
        // The meter is process-wide and other test classes run alongside: only what the hosts
        // record while handling this test's calls counts (Observed), so every figure is exact.
        // The gauges are this fixture's public host's (its own Valkey prefix and schema).
        using var observed = Observed.Start(hosts.Public.Services);

        var (mitra, mitraToken, _) = await hosts.NewOnlineMitraAsync();
        await mitra.RecordHeartbeatAsync();
        await mitra.RecordHeartbeatAsync();
        await using (var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", mitraToken))
        {
            var (matched, _, _) = await hosts.NewRegisteredClientAsync();
            var request = await matched.RequestPairingAsync(new RequestPairing());
            await mitra.AcceptPairingRequestAsync(request.Id);
            var (cancelling, _, _) = await hosts.NewRegisteredClientAsync();
            var cancelled = await cancelling.RequestPairingAsync(new RequestPairing());
            await cancelling.CancelPairingRequestAsync(cancelled.Id);
        }
        // The server notices the closed stream a moment after the app closes it.
        await Wait.UntilAsync(() => observed.Count("halobestie.realtime.open_streams") == 2, TimeSpan.FromSeconds(5), "the stream's close is recorded");
        // The gauges refresh at most every 10 s, and another collector may have read them before
        // this mitra went online: read until the figure includes it.
        await Wait.UntilAsync(() =>
        {
            observed.RecordGauges();
            return Last(observed, "halobestie.mitras.online") == 1 && Last(observed, "halobestie.mitras.available") == 1;
        }, DeploymentGauges.RefreshAfter + TimeSpan.FromSeconds(5), "the gauges show the one mitra online and available (1 of 3 sessions)");

        observed.Sum("halobestie.presence.heartbeats", t => Equals(t["result"], "recorded")).Should().Be(2);
        var lags = observed.Measurements.Where(m => m.Instrument == "halobestie.realtime.delivery_lag").Select(m => m.Value).ToList();
        lags.Should().HaveCountGreaterThanOrEqualTo(2, "the mitra's stream was handed the offer and the close of the second request live")
            .And.OnlyContain(seconds => seconds >= 0 && seconds < 5);
        observed.Sum("halobestie.presence.heartbeats").Should().Be(2, "no heartbeat was refused or restored");
        observed.Sum("halobestie.pairing.requests", t => Equals(t["outcome"], "accepted")).Should().Be(1);
        observed.Sum("halobestie.pairing.requests", t => Equals(t["outcome"], "cancelled") && Equals(t["reason"], "cancelled-by-client")).Should().Be(1);
        observed.Sum("halobestie.pairing.requests").Should().Be(2, "two requests ended");
        observed.Measurements.Where(m => m.Instrument == "halobestie.pairing.wait_to_match").Should().ContainSingle().Which.Value.Should().BeGreaterThanOrEqualTo(0);
        observed.Measurements.Where(m => m.Instrument == "halobestie.realtime.open_streams").Select(m => m.Value).Should().Equal(1, -1);
        observed.AcceptConflicts.Should().Be(0, "one mitra accepted one request");
    }

    private static double? Last(Observed observed, string instrument) =>
        observed.Measurements.LastOrDefault(m => m.Instrument == instrument)?.Value;
}
