using HaloBestie.Domain.Settings;
using Marten;

namespace HaloBestie.Application.Settings;

public static class SettingsStore
{
    /// <summary>The settings in force: the stored document, or the defaults before anyone changed them.</summary>
    public static async Task<PlatformSettings> LoadSettingsAsync(this IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<PlatformSettings>(PlatformSettings.DocumentId, ct) ?? PlatformSettings.Defaults;
}
