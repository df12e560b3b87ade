using HaloBestie.Application.Settings;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Sessions;
using Marten;

namespace HaloBestie.Application.Dashboard;

/// <summary>PRODUCT.md §5, "today" being the calendar day of the platform's time zone.</summary>
public sealed record DashboardFigures(
    int MitrasOnline,
    int MitrasAvailable,
    int MitrasAtCapacity,
    int ClientsSearching,
    int ActiveSessions,
    DashboardFigures.TodayFigures Today,
    DateTimeOffset At)
{
    /// <summary>
    /// Requests made today and how they ended (<c>matchRate</c> = matched / requests); waits from
    /// request to match of today's matched requests; sessions ended today and their average length.
    /// </summary>
    public sealed record TodayFigures(
        DateOnly Date,
        int PairingRequests,
        int Matched,
        int Expired,
        int Cancelled,
        double MatchRate,
        double? MedianWaitSeconds,
        double? P90WaitSeconds,
        int SessionsEnded,
        double? AverageSessionMinutes);

    public static async Task<DashboardFigures> ComputeAsync(IQuerySession session, DateTimeOffset now, CancellationToken ct)
    {
        var settings = await session.LoadSettingsAsync(ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
        var localNow = TimeZoneInfo.ConvertTime(now, zone);
        var startOfDay = new DateTimeOffset(localNow.Date, zone.GetUtcOffset(localNow.Date));

        var online = await session.Query<Mitra>().Where(m => m.IsOnline && m.IsActive).ToListAsync(ct);
        var available = online.Count(m => m.IsAvailableUnder(settings.MaxCustomersPerMitra));
        var searching = await session.Query<PairingRequest>().CountAsync(r => r.Status == PairingStatus.Searching, ct);
        var activeSessions = await session.Query<Session>().CountAsync(s => s.Status == SessionStatus.Active, ct);

        var requests = await session.Query<PairingRequest>().Where(r => r.RequestedAt >= startOfDay).ToListAsync(ct);
        var waits = requests.Where(r => r.WaitSeconds is not null).Select(r => r.WaitSeconds!.Value).Order().ToList();
        var matched = requests.Count(r => r.Status == PairingStatus.Matched);
        var ended = await session.Query<Session>().Where(s => s.EndedAt >= startOfDay).ToListAsync(ct);

        var today = new TodayFigures(
            DateOnly.FromDateTime(localNow.DateTime),
            requests.Count,
            matched,
            requests.Count(r => r.Status == PairingStatus.Expired),
            requests.Count(r => r.Status == PairingStatus.Cancelled),
            requests.Count == 0 ? 0 : Math.Round((double)matched / requests.Count, 4),
            Percentile(waits, 0.5),
            Percentile(waits, 0.9),
            ended.Count,
            ended.Count == 0 ? null : Math.Round(ended.Average(s => s.DurationMinutes!.Value), 2));

        var atCapacity = online.Count(m => m.ActiveSessions >= m.CapacityUnder(settings.MaxCustomersPerMitra));
        return new DashboardFigures(online.Count, available, atCapacity, searching, activeSessions, today, now);
    }

    /// <summary>Nearest-rank percentile of sorted values; null when there are none.</summary>
    public static double? Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? null : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)], 2);
}
