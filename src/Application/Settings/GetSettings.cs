using HaloBestie.Domain.Settings;
using Marten;
using Mediator;

namespace HaloBestie.Application.Settings;

public sealed record GetSettings : IQuery<PlatformSettings>
{
    public sealed class Handler(IQuerySession session) : IQueryHandler<GetSettings, PlatformSettings>
    {
        public async ValueTask<PlatformSettings> Handle(GetSettings query, CancellationToken cancellationToken) =>
            await session.LoadSettingsAsync(cancellationToken);
    }
}
