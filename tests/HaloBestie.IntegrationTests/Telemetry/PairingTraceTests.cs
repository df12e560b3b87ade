using System.Collections.ObjectModel;
using System.Diagnostics;
using HaloBestie.Clients.Public;
using HaloBestie.Infrastructure.Telemetry;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace HaloBestie.IntegrationTests.Telemetry;

public class PairingTraceTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Trace_when_pairing_covers_both_http_calls_the_postgresql_writes_and_valkey_publishes()
    {
        var spans = new SpanList();
        // Local servers trust every connection; the password is here to show it never reaches a span.
        const string password = "not-a-real-secret-4f2a";
        await using var traced = hosts.Public.WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Postgres", hosts.Servers.Postgres + ";Password=" + password)
            .ConfigureTestServices(services =>
                services.ConfigureOpenTelemetryTracerProvider(t => t.SetSampler(TelemetrySetup.TraceSampler(1)).AddInMemoryExporter(spans))));
        var (_, mitraToken, _) = await hosts.NewOnlineMitraAsync();
        var (_, clientToken, _) = await hosts.NewRegisteredClientAsync();
        await using var offers = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", mitraToken);
        // One trace for the whole pairing, as a caller that propagates its context (W3C traceparent) would make.
        var traceId = ActivityTraceId.CreateRandom();
        var traceparent = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01";

        const string note = "catatan-rahasia-7c1e"; // carried by the offer's event to Valkey, never by a span
        var created = await Traced(traced, clientToken, traceparent).RequestPairingAsync(new RequestPairing { Topic = "keluarga", Note = note });
        (await offers.NextAsync())!.Type.Should().Be("pairing.offered");
        await Traced(traced, mitraToken, traceparent).AcceptPairingRequestAsync(created.Id);

        var request = await WaitForAsync(spans, traceId, "POST /api/client/pairing-requests");
        var accept = await WaitForAsync(spans, traceId, "POST /api/mitra/pairing-requests/{id:guid}/accept");
        await WaitForAsync(() => new[] { request, accept }.All(call =>
            Inside(spans, call) is var inside && inside.Any(IsFanOutScript)));
        foreach (var call in new[] { request, accept })
        {
            var inside = Inside(spans, call);
            inside.Should().Contain(s => s.Source.Name == "Npgsql" && Statement(s).Contains("mt_quick_append_events", StringComparison.Ordinal),
                $"{call.DisplayName} appends its events to PostgreSQL");
            inside.Should().Contain(s => IsFanOutScript(s),
                $"{call.DisplayName} writes the real-time event to the recipients' Valkey streams and wakes them, in one script (ADR 0034)");
        }
        traced.Services.GetRequiredService<IConfiguration>().GetConnectionString("Postgres").Should().Contain(password);
        Describe(spans).Should().NotContain(password).And.NotContain(clientToken).And.NotContain(mitraToken).And.NotContain(note);
    }

    private static PublicApiClient Traced(WebApplicationFactory<Api.Public.Program> host, string token, string traceparent)
    {
        var http = host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        http.DefaultRequestHeaders.Add("traceparent", traceparent);
        return new PublicApiClient(http);
    }

    private static bool IsValkey(Activity span) => span.Source.Name.Contains("StackExchangeRedis", StringComparison.Ordinal);

    /// <summary>ValkeyRealtime's append-and-wake script (EVAL the first time, EVALSHA after).</summary>
    private static bool IsFanOutScript(Activity span) => IsValkey(span) && Statement(span).StartsWith("EVAL", StringComparison.Ordinal);

    private static string Statement(Activity span) =>
        span.GetTagItem("db.query.text") as string ?? span.GetTagItem("db.statement") as string ?? span.GetTagItem("db.operation.name") as string ?? "";

    /// <summary>The spans below <paramref name="call"/> in its trace.</summary>
    private static List<Activity> Inside(SpanList spans, Activity call)
    {
        var trace = spans.Snapshot().Where(s => s.TraceId == call.TraceId).ToList();
        var byId = trace.ToDictionary(s => s.SpanId);
        return trace.Where(span =>
        {
            for (var parent = span.ParentSpanId; ; )
            {
                if (parent == call.SpanId)
                    return true;
                if (!byId.TryGetValue(parent, out var next))
                    return false;
                parent = next.ParentSpanId;
            }
        }).ToList();
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition() && DateTime.UtcNow < deadline)
            await Task.Delay(100);
    }

    /// <summary>Valkey spans are made from the client's profiler by a background drain, so they arrive a little after the call.</summary>
    private static async Task<Activity> WaitForAsync(SpanList spans, ActivityTraceId traceId, string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var found = spans.Snapshot().FirstOrDefault(s => s.TraceId == traceId && s.Kind == ActivityKind.Server && s.DisplayName.TrimEnd('/') == name);
            if (found is not null)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"No span '{name}' in trace {traceId}; spans: {Describe(spans)}");
            await Task.Delay(100);
        }
    }

    private static string Describe(SpanList spans) =>
        string.Join("\n", spans.Snapshot().Select(s => $"{s.TraceId} {s.SpanId}<{s.ParentSpanId} {s.Source.Name} {s.Kind} '{s.DisplayName}' {string.Join(", ", s.TagObjects.Select(t => $"{t.Key}={t.Value}"))}"));

    /// <summary>The exporter adds from request threads while the test reads.</summary>
    private sealed class SpanList : Collection<Activity>
    {
        private readonly object _gate = new();

        public IReadOnlyList<Activity> Snapshot()
        {
            lock (_gate)
                return [.. Items];
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_gate)
                base.InsertItem(index, item);
        }
    }
}
