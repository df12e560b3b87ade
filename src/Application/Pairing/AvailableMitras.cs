using HaloBestie.Application.Settings;
using HaloBestie.Domain.Mitras;
using Marten;

namespace HaloBestie.Application.Pairing;

public static class AvailableMitras
{
    /// <summary>Every mitra online, active and below capacity now (PRODUCT.md §2).</summary>
    public static async Task<IReadOnlyList<Guid>> AvailableMitraIdsAsync(this IQuerySession session, CancellationToken ct)
    {
        var settings = await session.LoadSettingsAsync(ct);
        var online = await session.Query<Mitra>().Where(m => m.IsOnline && m.IsActive).ToListAsync(ct);
        return online.Where(m => m.IsAvailableUnder(settings.MaxCustomersPerMitra)).Select(m => m.Id).ToList();
    }
}
