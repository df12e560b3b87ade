using HaloBestie.Application.Payments;
using HaloBestie.Domain.Settings;
using Marten;
using Mediator;

namespace HaloBestie.Application.Settings;

/// <summary>
/// <c>GET /api/shared/config</c>: what both apps need before anyone signs in. <c>serverTime</c>
/// lets an app correct its clock for <c>expiresAt</c>/<c>endsAt</c> countdowns;
/// <c>paymentsEnabled</c> is false while the payment provider is not configured (hide the shop);
/// an app whose version is below <c>minSupportedVersion</c> of its platform shows only the update
/// screen (docs/realtime.md "Before anything else").
/// </summary>
public sealed record GetAppConfig : IQuery<GetAppConfig.Result>
{
    public sealed record Result(
        int HeartbeatIntervalSeconds,
        int PairingTimeoutSeconds,
        IReadOnlyList<string> Topics,
        DateTimeOffset ServerTime,
        int HeartbeatTimeoutSeconds,
        bool PaymentsEnabled,
        AppVersions MinSupportedVersion);

    public sealed class Handler(IQuerySession session, IPaymentProvider payments, TimeProvider clock) : IQueryHandler<GetAppConfig, Result>
    {
        public async ValueTask<Result> Handle(GetAppConfig query, CancellationToken cancellationToken)
        {
            var s = await session.LoadSettingsAsync(cancellationToken);
            return new Result(s.HeartbeatIntervalSeconds, s.PairingTimeoutSeconds, s.Topics, clock.GetUtcNow(), s.HeartbeatTimeoutSeconds,
                payments.IsConfigured, s.MinSupportedVersion);
        }
    }
}
