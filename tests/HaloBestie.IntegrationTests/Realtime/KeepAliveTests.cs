using System.Diagnostics;
using HaloBestie.Clients.Internal;
using HaloBestie.Infrastructure;
using HaloBestie.Infrastructure.Realtime;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace HaloBestie.IntegrationTests.Realtime;

/// <summary>Hosts whose event streams write a keep-alive comment after 1 s of quiet (EventStreams:KeepAliveSeconds).</summary>
public sealed class ShortKeepAliveHostsFixture : HostsFixture
{
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(1);

    protected override IReadOnlyDictionary<string, string> HostSettings =>
        new Dictionary<string, string> { [EventStreamOptions.KeepAliveKey] = ((int)KeepAlive.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) };
}

/// <summary>
/// Own schema and Valkey prefix, nothing else running: no event flows on the streams opened
/// here, so all that arrives after the opening is keep-alive comments, at the configured interval.
/// With the default (15 s) none would arrive within the 5 s each read waits.
/// </summary>
public class KeepAliveTests(ShortKeepAliveHostsFixture hosts) : IClassFixture<ShortKeepAliveHostsFixture>
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task KeepAlive_when_a_mitra_stream_is_quiet_comes_after_each_configured_interval()
    {
        var (_, token, _, _) = await hosts.NewSignedInMitraAsync();
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);
        stream.Resumed.Should().BeFalse("a new stream, without Last-Event-ID");

        var quiet = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
            (await stream.NextCommentAsync(ReadTimeout)).Should().Be("keep-alive");

        // One per interval: not sooner (no burst), not much later.
        quiet.Elapsed.Should().BeGreaterThan(3 * ShortKeepAliveHostsFixture.KeepAlive - TimeSpan.FromMilliseconds(500))
            .And.BeLessThan(3 * ShortKeepAliveHostsFixture.KeepAlive + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task KeepAlive_when_a_client_stream_is_quiet_comes_too()
    {
        var (_, token, _) = await hosts.NewRegisteredClientAsync();
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/client/events", token);
        stream.Resumed.Should().BeFalse("a new stream, without Last-Event-ID");

        (await stream.NextCommentAsync(ReadTimeout)).Should().Be("keep-alive");
        (await stream.NextCommentAsync(ReadTimeout)).Should().Be("keep-alive");
    }

    [Fact]
    public async Task KeepAlive_when_a_dashboard_stream_is_quiet_comes_at_the_configured_interval()
    {
        var login = await hosts.AnonymousInternal().LogInAsync(new LogIn { Email = HostsFixture.AdminEmail, Password = HostsFixture.AdminPassword });
        await using var stream = await EventStreamReader.OpenAsync(hosts.Internal.CreateClient(), "/api/internal/dashboard/events", login.AccessToken);
        (await stream.NextAsync())!.Type.Should().Be("dashboard");

        // The dashboard checks its figures every 250 ms, so a comment comes up to 1 s after the keep-alive interval.
        var quiet = Stopwatch.StartNew();
        for (var i = 0; i < 2; i++)
            (await stream.NextCommentAsync(ReadTimeout)).Should().Be("keep-alive");
        quiet.Elapsed.Should().BeGreaterThan(2 * ShortKeepAliveHostsFixture.KeepAlive - TimeSpan.FromMilliseconds(500))
            .And.BeLessThan(2 * (ShortKeepAliveHostsFixture.KeepAlive + TimeSpan.FromSeconds(1)) + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void KeepAlive_when_not_configured_is_15_s()
    {
        EventStreamOptions.From(Configuration(null)).KeepAlive.Should().Be(TimeSpan.FromSeconds(15));
        EventStreamOptions.From(Configuration("7")).KeepAlive.Should().Be(TimeSpan.FromSeconds(7));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("soon")]
    public void Start_when_the_keep_alive_is_not_a_whole_number_of_seconds_from_1_is_refused(string value)
    {
        var read = () => EventStreamOptions.From(Configuration(value));

        read.Should().Throw<StartupRefusedException>().WithMessage("*EventStreams__KeepAliveSeconds*");
    }

    private static IConfiguration Configuration(string? keepAliveSeconds) =>
        new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create(EventStreamOptions.KeepAliveKey, keepAliveSeconds)]).Build();
}

/// <summary>The keep-alive interval is measured on the host's <see cref="TimeProvider"/>, here a fake clock the test moves.</summary>
public class KeepAliveClockTests(FakeClockHostsFixture hosts) : IClassFixture<FakeClockHostsFixture>
{
    [Fact]
    public async Task KeepAlive_when_the_injected_clock_has_moved_by_the_interval_comes()
    {
        var (_, token, _, _) = await hosts.NewSignedInMitraAsync();
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", token);
        stream.Resumed.Should().BeFalse("a new stream, without Last-Event-ID");

        // The clock moves a second every 50 ms, so 15 s of it pass in under a second of real time
        // (however soon after "ready" the stream starts its wait); a keep-alive timed on real
        // time would not come within the 5 s the read waits.
        using var stop = new CancellationTokenSource();
        var moving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                hosts.Clock!.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(50, CancellationToken.None);
            }
        });
        try
        {
            (await stream.NextCommentAsync(TimeSpan.FromSeconds(5))).Should().Be("keep-alive");
        }
        finally
        {
            await stop.CancelAsync();
            await moving;
        }
    }
}
