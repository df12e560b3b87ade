using Marten;
using Mediator;

namespace HaloBestie.Application.Dashboard;

/// <summary>
/// <c>GET /api/internal/dashboard</c>. Computed at most twice a second per instance and shared by
/// every staff screen asking in that half-second (50 screens refreshing every 5 s cost two computations a second at most).
/// Half a second, not one: with the stream's quarter-second check, a change reaches the console within a second (issue 17).
/// </summary>
public sealed record GetDashboard : IQuery<DashboardFigures>
{
    public sealed class Handler(IQuerySession session, DashboardCache cache, Presence.IPresenceStore presence, TimeProvider clock) : IQueryHandler<GetDashboard, DashboardFigures>
    {
        public async ValueTask<DashboardFigures> Handle(GetDashboard query, CancellationToken cancellationToken) =>
            await cache.GetAsync(async () => await DashboardFigures.ComputeAsync(session, clock.GetUtcNow(), cancellationToken)
                with { MitrasInBackground = (int)await presence.CountBackgroundAsync() }, clock.GetUtcNow());
    }
}

/// <summary>The last figures and when they were computed; one computation at a time.</summary>
public sealed class DashboardCache : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(500);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DashboardFigures? _last;

    public async Task<DashboardFigures> GetAsync(Func<Task<DashboardFigures>> compute, DateTimeOffset now)
    {
        if (_last is { } fresh && now - fresh.At < MaxAge)
            return fresh;
        await _gate.WaitAsync();
        try
        {
            if (_last is { } again && now - again.At < MaxAge)
                return again;
            return _last = await compute();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
