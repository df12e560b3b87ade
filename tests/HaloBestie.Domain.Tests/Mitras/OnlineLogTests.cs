using HaloBestie.Domain.Mitras;

namespace HaloBestie.Domain.Tests.Mitras;

public class OnlineLogTests
{
    private static readonly TimeZoneInfo Jakarta = TimeZoneInfo.FindSystemTimeZoneById("Asia/Jakarta");
    private static readonly Guid MitraId = Guid.CreateVersion7();

    private static OnlinePeriod Period(DateTimeOffset on, DateTimeOffset? off) => new(OnlinePeriod.IdOf(MitraId, on), MitraId, on, off, off is null ? null : "manual");

    [Fact]
    public void A_period_across_local_midnight_is_split_between_the_two_days()
    {
        // 23:00–01:00 in Jakarta (UTC+7) is 16:00–18:00 UTC.
        var on = new DateTimeOffset(2026, 11, 24, 16, 0, 0, TimeSpan.Zero);
        var totals = OnlineLog.DailyTotals([Period(on, on.AddHours(2))], Jakarta, on.AddDays(-1), on.AddDays(1), on.AddDays(1));

        totals.Should().Equal(new DailyOnlineTotal(new DateOnly(2026, 11, 24), 3600), new DailyOnlineTotal(new DateOnly(2026, 11, 25), 3600));
    }

    [Fact]
    public void Only_the_part_within_the_window_counts_and_an_open_period_counts_up_to_now()
    {
        var on = new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.Zero);
        var now = on.AddMinutes(90);

        var totals = OnlineLog.DailyTotals([Period(on, null)], Jakarta, on.AddMinutes(30), now.AddHours(1), now);

        totals.Should().ContainSingle().Which.Seconds.Should().Be(3600);
    }

    [Fact]
    public void The_period_id_is_the_same_for_its_opening_and_its_closing()
    {
        var on = DateTimeOffset.UtcNow;

        OnlinePeriod.IdOf(MitraId, on).Should().Be(OnlinePeriod.IdOf(MitraId, on)).And.NotBe(OnlinePeriod.IdOf(MitraId, on.AddTicks(1)));
    }
}
