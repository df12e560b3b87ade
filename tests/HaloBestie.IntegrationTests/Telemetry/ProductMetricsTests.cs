using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using HaloBestie.Application.Common;
using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HaloBestie.IntegrationTests.Telemetry;

public class ProductMetricsTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    [Fact]
    public async Task Measure_when_mitras_pair_reports_heartbeats_outcomes_wait_streams_and_mitras_online()
    {
        // The meter is process-wide and other test classes run alongside: every check is "at least".
        var measured = new ConcurrentQueue<Measured>();
        var thisHost = hosts.Public.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // The static instruments, and the gauges of this fixture's public host only.
            if (instrument.Meter.Name == ProductMetrics.MeterName && (instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, thisHost)))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) => measured.Enqueue(new(i.Name, value, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((i, value, tags, _) => measured.Enqueue(new(i.Name, value, Tags(tags))));
        listener.Start();

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
        for (var i = 0; i < 50 && !measured.Any(m => m.Instrument == "halobestie.realtime.open_streams" && m.Value == -1); i++)
            await Task.Delay(100);
        // The gauges refresh at most every 10 s, and another test's collector may have read them
        // before this mitra went online: collect until the figure includes it.
        for (var i = 0; i < 60 && !measured.Any(m => m.Instrument == "halobestie.mitras.online" && m.Value >= 1); i++)
        {
            listener.RecordObservableInstruments();
            await Task.Delay(200);
        }

        var all = measured.ToList();
        all.Where(m => m.Instrument == "halobestie.presence.heartbeats" && Equals(m.Tags["result"], "recorded")).Sum(m => m.Value)
            .Should().BeGreaterThanOrEqualTo(2);
        all.Should().Contain(m => m.Instrument == "halobestie.pairing.requests" && Equals(m.Tags["outcome"], "accepted"));
        all.Should().Contain(m => m.Instrument == "halobestie.pairing.requests"
            && Equals(m.Tags["outcome"], "cancelled") && Equals(m.Tags["reason"], "cancelled-by-client"));
        all.Should().Contain(m => m.Instrument == "halobestie.pairing.wait_to_match" && m.Value >= 0);
        all.Should().Contain(m => m.Instrument == "halobestie.realtime.open_streams" && m.Value == 1)
            .And.Contain(m => m.Instrument == "halobestie.realtime.open_streams" && m.Value == -1);
        all.Should().Contain(m => m.Instrument == "halobestie.mitras.online" && m.Value >= 1, "the mitra is online in this fixture's Valkey prefix");
        all.Should().Contain(m => m.Instrument == "halobestie.mitras.available" && m.Value >= 1, "the mitra is below its capacity of 3");
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var (key, value) in tags)
            result[key] = value;
        return result;
    }
}
