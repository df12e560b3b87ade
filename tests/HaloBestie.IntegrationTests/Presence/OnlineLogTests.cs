using HaloBestie.IntegrationTests.Infrastructure;
using SetMitraStatus = HaloBestie.Clients.Public.SetMitraStatus;

namespace HaloBestie.IntegrationTests.Presence;

public class OnlineLogTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task OnlineLogs_when_a_period_is_open_show_it_ongoing_and_count_up_to_now()
    {
        var (app, _, mitraId, _) = await hosts.NewSignedInMitraAsync();
        var (staff, _) = await hosts.NewStaffAsync();
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        await Task.Delay(1100);

        var logs = await staff.GetMitraOnlineLogsAsync(mitraId, null, null);

        var open = logs.Periods.Should().ContainSingle().Subject;
        open.OfflineAt.Should().BeNull();
        open.Reason.Should().BeNull();
        open.Seconds.Should().BeGreaterThanOrEqualTo(1);
        logs.DailyTotals.Sum(d => d.Seconds).Should().Be(open.Seconds);
    }
}
