using HaloBestie.Application.Settings;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Settings;
using Marten;
using Marten.Services.BatchQuerying;

namespace HaloBestie.Application.Pairing;

public static class AvailableMitras
{
    /// <summary>
    /// Every mitra online, active and below capacity now (PRODUCT.md §2). Reads only the three
    /// figures the rule needs, not whole profiles: this runs on every pairing request, over every
    /// online mitra.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> AvailableMitraIdsAsync(this IQuerySession session, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery(); // the settings and the mitras in one round trip
        var loadingSettings = batch.SettingsIn();
        var finding = AvailableMitraIdsIn(batch);
        await batch.Execute(ct);
        return await finding(await loadingSettings());
    }

    /// <summary>The same, under settings the caller has already read.</summary>
    public static async Task<IReadOnlyList<Guid>> AvailableMitraIdsAsync(this IQuerySession session, PlatformSettings settings, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        var finding = AvailableMitraIdsIn(batch);
        await batch.Execute(ct);
        return await finding(settings);
    }

    /// <summary>
    /// The same as part of <paramref name="batch"/> (one round trip less on the pairing request); the
    /// function answers once the batch has run, under the settings it is given then (which the same
    /// batch may have read).
    /// </summary>
    public static Func<PlatformSettings, Task<IReadOnlyList<Guid>>> AvailableMitraIdsIn(IBatchedQuery batch)
    {
        var online = batch.Query<Mitra>()
            .Where(m => m.IsOnline && m.IsActive)
            .Select(m => new { m.Id, m.ActiveSessions, m.MaxCustomersOverride })
            .ToList();
        return async settings => (await online)
            .Where(m => Mitra.HasRoom(m.ActiveSessions, m.MaxCustomersOverride, settings.MaxCustomersPerMitra)).Select(m => m.Id).ToList();
    }
}
