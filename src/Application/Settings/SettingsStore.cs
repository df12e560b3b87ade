using HaloBestie.Domain.Settings;
using Marten;
using Marten.Services.BatchQuerying;

namespace HaloBestie.Application.Settings;

public static class SettingsStore
{
    /// <summary>The settings in force: the stored document, or the defaults before anyone changed them.</summary>
    public static async Task<PlatformSettings> LoadSettingsAsync(this IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<PlatformSettings>(PlatformSettings.DocumentId, ct) ?? PlatformSettings.Defaults;

    /// <summary>The same as part of <paramref name="batch"/>; the function answers once the batch has run.</summary>
    public static Func<Task<PlatformSettings>> SettingsIn(this IBatchedQuery batch)
    {
        var loading = batch.Load<PlatformSettings>(PlatformSettings.DocumentId);
        return async () => await loading ?? PlatformSettings.Defaults;
    }
}
