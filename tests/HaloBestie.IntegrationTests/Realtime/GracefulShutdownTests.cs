using System.Diagnostics;
using HaloBestie.Application.Realtime;
using HaloBestie.Clients.Internal;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HaloBestie.IntegrationTests.Realtime;

public class GracefulShutdownTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Stop_when_an_instance_serves_100_streams_tells_them_to_reconnect_and_another_resumes_all()
    {
        var stopping = hosts.AnotherPublicHost();
        var survivor = hosts.AnotherPublicHost();
        var admin = await hosts.AdminAsync();
        var mitras = new List<(string Token, Guid MitraId)>();
        for (var i = 0; i < 100; i++)
        {
            var (_, token, mitraId, _) = await hosts.NewSignedInMitraAsync(admin);
            mitras.Add((token, mitraId));
        }
        var realtime = survivor.Services.GetRequiredService<IRealtime>();
        var streams = new List<EventStreamReader>();
        foreach (var (token, _) in mitras)
            streams.Add(await EventStreamReader.OpenAsync(stopping.CreateClient(), "/api/mitra/events", token));
        foreach (var (_, mitraId) in mitras)
            await realtime.PublishAsync(Recipient.Mitra(mitraId), new TestEvent(1));
        var lastSeen = new List<string>();
        foreach (var stream in streams)
            lastSeen.Add((await stream.NextAsync())!.Id);

        var clock = Stopwatch.StartNew();
        stopping.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        foreach (var stream in streams)
            (await stream.NextAsync(TimeSpan.FromSeconds(10))).Should().BeNull("the stopping instance ends every stream");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "within the grace period");
        streams.Should().OnlyContain(s => s.ToldToReconnect);

        // Published while the apps are reconnecting: nothing may be lost.
        foreach (var (_, mitraId) in mitras)
            await realtime.PublishAsync(Recipient.Mitra(mitraId), new TestEvent(2));
        for (var i = 0; i < mitras.Count; i++)
        {
            await using var resumed = await EventStreamReader.OpenAsync(survivor.CreateClient(), "/api/mitra/events", mitras[i].Token, lastSeen[i]);
            (await resumed.NextAsync())!.Data.Should().Be("{\"n\":2}");
        }
        foreach (var stream in streams)
            await stream.DisposeAsync();
    }

    [Fact]
    public async Task Stop_when_an_internal_instance_serves_dashboards_tells_their_streams_to_reconnect()
    {
        var stopping = hosts.AnotherInternalHost();
        var login = await hosts.AnonymousInternal().LogInAsync(new LogIn { Email = HostsFixture.AdminEmail, Password = HostsFixture.AdminPassword });
        await using var stream = await EventStreamReader.OpenAsync(stopping.CreateClient(), "/api/internal/dashboard/events", login.AccessToken);
        (await stream.NextAsync())!.Type.Should().Be("dashboard");

        stopping.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        (await stream.NextAsync(TimeSpan.FromSeconds(10))).Should().BeNull("the stopping instance ends the stream");
        stream.ToldToReconnect.Should().BeTrue();
    }
}
