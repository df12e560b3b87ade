using FluentValidation;
using HaloBestie.Application.Settings;
using HaloBestie.Domain;
using HaloBestie.Domain.Mitras;
using Marten;
using Marten.Events.Projections;
using Mediator;

namespace HaloBestie.Application.Mitras;

/// <summary>
/// One <see cref="OnlinePeriod"/> document per online period, written inline with the
/// online/offline events: opened by MitraWentOnline, closed (same id) by MitraWentOffline.
/// </summary>
public sealed partial class OnlinePeriodProjection : EventProjection
{
    public static OnlinePeriod Create(MitraWentOnline e) => new(OnlinePeriod.IdOf(e.MitraId, e.At), e.MitraId, e.At, null, null);

    public static OnlinePeriod Create(MitraWentOffline e) => new(OnlinePeriod.IdOf(e.MitraId, e.OnlineSince), e.MitraId, e.OnlineSince, e.At, e.Reason);
}

/// <summary>
/// <c>GET /api/internal/mitras/{id}/online-logs</c>: periods overlapping [from, to) (default: the
/// last 7 days), newest first, each with its reason and seconds (an open period counts up to
/// now and shows <c>offlineAt: null</c>), and daily totals in the platform's time zone.
/// </summary>
public sealed record GetMitraOnlineLogs(Guid MitraId, DateTimeOffset? From, DateTimeOffset? To) : IQuery<GetMitraOnlineLogs.Result>
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(7);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(93);

    public sealed record Period(DateTimeOffset OnlineAt, DateTimeOffset? OfflineAt, string? Reason, long Seconds);

    public sealed record Result(Guid MitraId, DateTimeOffset From, DateTimeOffset To, string TimeZone, IReadOnlyList<Period> Periods, IReadOnlyList<DailyOnlineTotal> DailyTotals);

    public sealed class Validator : AbstractValidator<GetMitraOnlineLogs>
    {
        public Validator()
        {
            RuleFor(x => x.To).GreaterThan(x => x.From).When(x => x.From is not null && x.To is not null);
            RuleFor(x => x).Must(x => x.From is null || x.To is null || x.To - x.From <= MaxWindow)
                .OverridePropertyName("to").WithErrorCode(ValidationCodes.WindowTooLong).WithMessage($"At most {MaxWindow.TotalDays} days at once.");
        }
    }

    public sealed class Handler(IQuerySession session, TimeProvider clock) : IQueryHandler<GetMitraOnlineLogs, Result>
    {
        public async ValueTask<Result> Handle(GetMitraOnlineLogs query, CancellationToken cancellationToken)
        {
            if (await session.LoadAsync<Mitra>(query.MitraId, cancellationToken) is null)
                throw new NotFoundException("Mitra", query.MitraId);

            var now = clock.GetUtcNow();
            // Times may come with any offset (an operator's +07:00): compare and store as UTC.
            var to = query.To?.ToUniversalTime() ?? now;
            var from = query.From?.ToUniversalTime() ?? to - DefaultWindow;
            var settings = await session.LoadSettingsAsync(cancellationToken);
            var zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);

            var periods = await session.Query<OnlinePeriod>()
                .Where(p => p.MitraId == query.MitraId && p.OnlineAt < to && (p.OfflineAt == null || p.OfflineAt > from))
                .OrderByDescending(p => p.OnlineAt)
                .ToListAsync(cancellationToken);

            var shown = periods.Select(p => new Period(p.OnlineAt, p.OfflineAt, p.Reason, (long)((p.OfflineAt ?? now) - p.OnlineAt).TotalSeconds)).ToList();
            return new Result(query.MitraId, from, to, settings.TimeZone, shown, OnlineLog.DailyTotals(periods, zone, from, to, now));
        }
    }
}
