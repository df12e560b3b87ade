using Marten;
using Mediator;

namespace HaloBestie.Application.Settings;

/// <summary><c>GET /api/shared/config</c>: what both apps need before anyone signs in.</summary>
public sealed record GetAppConfig : IQuery<GetAppConfig.Result>
{
    public sealed record Result(int HeartbeatIntervalSeconds, int PairingTimeoutSeconds, IReadOnlyList<string> Topics);

    public sealed class Handler(IQuerySession session) : IQueryHandler<GetAppConfig, Result>
    {
        public async ValueTask<Result> Handle(GetAppConfig query, CancellationToken cancellationToken)
        {
            var s = await session.LoadSettingsAsync(cancellationToken);
            return new Result(s.HeartbeatIntervalSeconds, s.PairingTimeoutSeconds, s.Topics);
        }
    }
}
