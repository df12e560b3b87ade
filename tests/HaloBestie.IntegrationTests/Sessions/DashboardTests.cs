using DashboardFigures = HaloBestie.Application.Dashboard.DashboardFigures;
using HaloBestie.Clients.Internal;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Sessions;
using HaloBestie.Infrastructure.Persistence;
using HaloBestie.IntegrationTests.Infrastructure;
using JasperFx;
using Marten;
using Npgsql;

namespace HaloBestie.IntegrationTests.Sessions;

/// <summary>
/// The dashboard's stream, and where "today" begins. The figures of a whole scenario, read at a moment beside
/// midnight in Jakarta on a fake clock: <see cref="DashboardFiguresTests"/>.
/// </summary>
public class DashboardTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task Dashboard_stream_when_the_figures_change_pushes_them_again()
    {
        var login = await hosts.AnonymousInternal().LogInAsync(new LogIn { Email = HostsFixture.AdminEmail, Password = HostsFixture.AdminPassword });
        var http = hosts.Internal.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(http, "/api/internal/dashboard/events", login.AccessToken);

        var first = await stream.NextAsync();
        first!.Type.Should().Be("dashboard");
        await hosts.NewOnlineMitraAsync();

        var changed = await stream.NextAsync(TimeSpan.FromSeconds(10));
        changed!.Type.Should().Be("dashboard");
        changed.Data.Should().NotBe(first.Data);
    }

    /// <summary>
    /// "Today" starts at midnight in the platform's time zone (Asia/Jakarta by default, UTC+7:
    /// 17:00 UTC the day before). Events with chosen times go into a store of their own, and the
    /// figures are computed for a chosen moment: 01:00 in Jakarta on 10 March 2026, 18:00 UTC on
    /// the 9th.
    /// </summary>
    [Fact]
    public async Task Dashboard_when_counting_today_begins_at_midnight_in_the_platform_time_zone()
    {
        var midnightInJakarta = new DateTimeOffset(2026, 3, 9, 17, 0, 0, TimeSpan.Zero);
        var now = midnightInJakarta.AddHours(1);
        var schema = "d_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            await using var store = DocumentStore.For(o =>
            {
                o.Connection(hosts.Servers.Postgres);
                MartenSetup.Configure(o, schema, AutoCreate.CreateOrUpdate);
            });
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(); // every table, as the hosts create them at start-up
            await using (var write = store.LightweightSession())
            {
                void Request(DateTimeOffset at, object? closing = null)
                {
                    var id = Guid.CreateVersion7();
                    write.Events.StartStream<HaloBestie.Domain.Pairing.PairingRequest>(id, closing is null
                        ? [new PairingRequested(id, Guid.CreateVersion7(), null, null, at.AddSeconds(60), at)]
                        : [new PairingRequested(id, Guid.CreateVersion7(), null, null, at.AddSeconds(60), at), closing]);
                }
                void EndedSession(DateTimeOffset startedAt, DateTimeOffset endedAt)
                {
                    var id = Guid.CreateVersion7();
                    write.Events.StartStream<HaloBestie.Domain.Sessions.Session>(id,
                        new SessionStarted(id, Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), startedAt.AddMinutes(60), startedAt, "paid"),
                        new SessionEnded(id, SessionActors.Client, null, SessionEndReasons.EndedByClient, endedAt));
                }
                Request(midnightInJakarta.AddMinutes(-1), new PairingCancelled(Guid.Empty, PairingReasons.CancelledByClient, midnightInJakarta.AddSeconds(-30))); // 23:59 the day before
                Request(midnightInJakarta, new PairingExpired(Guid.Empty, PairingReasons.Timeout, midnightInJakarta.AddSeconds(60)));                           // 00:00
                Request(midnightInJakarta.AddMinutes(1));                                                                                                          // 00:01, still searching
                EndedSession(midnightInJakarta.AddMinutes(-30), midnightInJakarta.AddMinutes(-2)); // ended 23:58 the day before, 28 minutes
                EndedSession(midnightInJakarta.AddMinutes(-15), midnightInJakarta.AddMinutes(5));  // ended 00:05, 20 minutes
                await write.SaveChangesAsync();
            }

            async Task<DashboardFigures.TodayFigures> TodayIn(string? timeZone)
            {
                if (timeZone is not null)
                {
                    await using var write = store.LightweightSession();
                    write.Store(HaloBestie.Domain.Settings.PlatformSettings.Defaults with { TimeZone = timeZone });
                    await write.SaveChangesAsync();
                }
                await using var query = store.QuerySession();
                var figures = await DashboardFigures.ComputeAsync(query, now, CancellationToken.None);
                figures.ClientsSearching.Should().Be(1, "searching is not a figure of the day");
                return figures.Today;
            }

            (await TodayIn(null)).Should().BeEquivalentTo(new
            {
                Date = new DateOnly(2026, 3, 10), PairingRequests = 2, Matched = 0, Expired = 1, Cancelled = 0, SessionsEnded = 1, AverageSessionMinutes = 20.0,
            }, o => o.ExcludingMissingMembers(), "the default zone is Asia/Jakarta: what happened before its midnight was yesterday");
            (await TodayIn("Asia/Jakarta")).Should().BeEquivalentTo(new { Date = new DateOnly(2026, 3, 10), PairingRequests = 2, Cancelled = 0, SessionsEnded = 1 },
                o => o.ExcludingMissingMembers());
            (await TodayIn("UTC")).Should().BeEquivalentTo(new
            {
                Date = new DateOnly(2026, 3, 9), PairingRequests = 3, Expired = 1, Cancelled = 1, SessionsEnded = 2, AverageSessionMinutes = 24.0,
            }, o => o.ExcludingMissingMembers(), "in UTC all of it happened on the 9th, after 00:00 UTC");
            (await TodayIn("Asia/Dhaka")).Should().BeEquivalentTo(new { Date = new DateOnly(2026, 3, 10), PairingRequests = 0, SessionsEnded = 0, AverageSessionMinutes = (double?)null },
                o => o.ExcludingMissingMembers(), "at UTC+6 the 10th began at 18:00 UTC, after all of it");
        }
        finally
        {
            await using var connection = new NpgsqlConnection(hosts.Servers.Postgres);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop schema if exists {schema} cascade", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
