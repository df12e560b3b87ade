using HaloBestie.Application.Settings;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Sessions;
using Marten;

namespace HaloBestie.Application.Dashboard;

/// <summary>
/// PRODUCT.md §5, "today" being the calendar day of the platform's time zone, and the risk flags
/// no one has acknowledged yet (<c>openRiskFlags</c>, PRODUCT.md §9). <c>mitrasInBackground</c>: of
/// the online mitras, those reachable only by push, their app in the background (PRODUCT.md §10).
/// </summary>
public sealed record DashboardFigures(
    int MitrasOnline,
    int MitrasAvailable,
    int MitrasAtCapacity,
    int ClientsSearching,
    int ActiveSessions,
    DashboardFigures.TodayFigures Today,
    DateTimeOffset At,
    int OpenRiskFlags = 0,
    int MitrasInBackground = 0)
{
    /// <summary>
    /// Requests made today and how they ended (<c>matchRate</c> = matched / requests); waits from
    /// request to match of today's matched requests; sessions ended today and their average length;
    /// the parties' messages sent today (system messages not counted); the average stars of the
    /// ratings given today.
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
        double? AverageSessionMinutes,
        int Messages = 0,
        double? AverageRating = null);

    public static async Task<DashboardFigures> ComputeAsync(IQuerySession session, DateTimeOffset now, CancellationToken ct)
    {
        var settings = await session.LoadSettingsAsync(ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
        var localNow = TimeZoneInfo.ConvertTime(now, zone);
        var startOfDay = new DateTimeOffset(localNow.Date, zone.GetUtcOffset(localNow.Date));

        // Runs at most twice a second per instance (DashboardCache): read only the figures needed.
        var online = await session.Query<Mitra>().Where(m => m.IsOnline && m.IsActive)
            .Select(m => new { m.ActiveSessions, m.MaxCustomersOverride }).ToListAsync(ct);
        var available = online.Count(m => Mitra.HasRoom(m.ActiveSessions, m.MaxCustomersOverride, settings.MaxCustomersPerMitra));
        var searching = await session.Query<PairingRequest>().CountAsync(r => r.Status == PairingStatus.Searching, ct);
        var activeSessions = await session.Query<Session>().CountAsync(s => s.Status == SessionStatus.Active, ct);

        var openRiskFlags = await session.Query<RiskFlag>().CountAsync(f => f.AcknowledgedAt == null, ct);

        var today = await TodayAsync(session, startOfDay, DateOnly.FromDateTime(localNow.DateTime), ct);
        var atCapacity = online.Count(m => m.ActiveSessions >= (m.MaxCustomersOverride ?? settings.MaxCustomersPerMitra));
        return new DashboardFigures(online.Count, available, atCapacity, searching, activeSessions, today, now, openRiskFlags);
    }

    /// <summary>
    /// Today's figures as one aggregate query per table, computed by PostgreSQL over the columns
    /// Marten duplicates out of the documents (status and times, indexed; MartenSetup): neither a
    /// document nor more than one row is read, however many requests the day had
    /// (docs/performance.md). Percentiles are nearest-rank (<c>percentile_disc</c>: the value at
    /// position ⌈p × n⌉ of the sorted waits).
    /// </summary>
    private static async Task<TodayFigures> TodayAsync(IQuerySession session, DateTimeOffset startOfDay, DateOnly date, CancellationToken ct)
    {
        var schema = session.DocumentStore.Options.Schema;
        const string wait = "extract(epoch from (matched_at - requested_at))::float8";
        var requests = (await session.AdvancedSql.QueryAsync<RequestCounts>($"""
            select jsonb_build_object(
              'requests', count(*),
              'matched', count(*) filter (where status = '{PairingStatus.Matched}'),
              'expired', count(*) filter (where status = '{PairingStatus.Expired}'),
              'cancelled', count(*) filter (where status = '{PairingStatus.Cancelled}'),
              'medianWaitSeconds', percentile_disc(0.5) within group (order by {wait}),
              'p90WaitSeconds', percentile_disc(0.9) within group (order by {wait}))
            from {schema.For<PairingRequest>()} where requested_at >= ?
            """, ct, startOfDay.ToUniversalTime())).Single();
        var ended = (await session.AdvancedSql.QueryAsync<EndedCounts>($"""
            select jsonb_build_object(
              'sessionsEnded', count(*),
              'averageMinutes', avg(extract(epoch from (ended_at - started_at)) / 60)::float8)
            from {schema.For<Session>()} where ended_at >= ?
            """, ct, startOfDay.ToUniversalTime())).Single();
        var conversation = (await session.AdvancedSql.QueryAsync<ConversationCounts>($"""
            select jsonb_build_object(
              'messages', (select count(*) from {schema.For<SessionMessage>()} where sent_at >= ? and data->>'sender' <> '{MessageSenders.System}'),
              'averageRating', (select avg((data->>'ratingStars')::int)::float8 from {schema.For<Session>()} where rated_at >= ?))
            """, ct, startOfDay.ToUniversalTime(), startOfDay.ToUniversalTime())).Single();

        return new TodayFigures(
            date,
            requests.Requests,
            requests.Matched,
            requests.Expired,
            requests.Cancelled,
            requests.Requests == 0 ? 0 : Math.Round((double)requests.Matched / requests.Requests, 4),
            Round(requests.MedianWaitSeconds),
            Round(requests.P90WaitSeconds),
            ended.SessionsEnded,
            Round(ended.AverageMinutes),
            conversation.Messages,
            Round(conversation.AverageRating));
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;

    private sealed record RequestCounts(int Requests, int Matched, int Expired, int Cancelled, double? MedianWaitSeconds, double? P90WaitSeconds);

    private sealed record EndedCounts(int SessionsEnded, double? AverageMinutes);

    private sealed record ConversationCounts(int Messages, double? AverageRating);
}
