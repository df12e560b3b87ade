namespace HaloBestie.Domain.Mitras;

/// <summary>One stretch of time a mitra was online. <see cref="OfflineAt"/> null: still online.</summary>
public sealed record OnlinePeriod(Guid Id, Guid MitraId, DateTimeOffset OnlineAt, DateTimeOffset? OfflineAt, string? Reason)
{
    /// <summary>The same id for the period opened by MitraWentOnline and closed by MitraWentOffline.</summary>
    public static Guid IdOf(Guid mitraId, DateTimeOffset onlineAt)
    {
        Span<byte> bytes = stackalloc byte[16];
        mitraId.TryWriteBytes(bytes);
        var ticks = BitConverter.GetBytes(onlineAt.UtcTicks);
        for (var i = 0; i < 8; i++)
            bytes[8 + i] ^= ticks[i];
        return new Guid(bytes);
    }
}

public sealed record DailyOnlineTotal(DateOnly Date, long Seconds);

public static class OnlineLog
{
    /// <summary>
    /// Seconds online per calendar day of <paramref name="timeZone"/>, counting only what lies
    /// within [<paramref name="from"/>, <paramref name="to"/>); an open period counts up to <paramref name="now"/>.
    /// A period across midnight is split between the two days.
    /// </summary>
    public static IReadOnlyList<DailyOnlineTotal> DailyTotals(
        IEnumerable<OnlinePeriod> periods, TimeZoneInfo timeZone, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        var totals = new SortedDictionary<DateOnly, long>();
        foreach (var period in periods)
        {
            var start = Max(period.OnlineAt, from);
            var end = Min(period.OfflineAt ?? now, to);
            while (start < end)
            {
                var local = TimeZoneInfo.ConvertTime(start, timeZone);
                var day = DateOnly.FromDateTime(local.DateTime);
                var nextMidnightLocal = local.Date.AddDays(1);
                var nextMidnight = new DateTimeOffset(nextMidnightLocal, timeZone.GetUtcOffset(nextMidnightLocal));
                var sliceEnd = Min(end, nextMidnight);
                totals[day] = totals.GetValueOrDefault(day) + (long)(sliceEnd - start).TotalSeconds;
                start = sliceEnd;
            }
        }
        return totals.Select(t => new DailyOnlineTotal(t.Key, t.Value)).ToList();
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
