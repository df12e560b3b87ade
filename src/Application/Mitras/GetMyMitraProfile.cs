using HaloBestie.Application.Callers;
using HaloBestie.Application.Settings;
using HaloBestie.Domain.Mitras;
using Marten;
using Mediator;

namespace HaloBestie.Application.Mitras;

/// <summary>
/// The mitra app's own profile and state. <c>Capacity</c>: how many clients the mitra may serve at
/// once; <c>Available</c>: online, active and below capacity (pairing offers go only to available mitras).
/// <c>BackgroundUntil</c>: while the app is in the background and the mitra is kept online without
/// heartbeats (reached by push), until when; null otherwise (PRODUCT.md §10).
/// </summary>
public sealed record MitraMe(
    Guid Id, string FullName, string Alias, string? Bio, IReadOnlyList<string> Specialties,
    bool Online, DateTimeOffset? OnlineSince, bool Available, int Capacity, int ActiveSessions,
    DateTimeOffset? BackgroundUntil = null)
{
    public static async Task<MitraMe> LoadAsync(IQuerySession session, Presence.IPresenceStore presence, Mitra mitra, CancellationToken ct)
    {
        var state = MitraAvailability.Of(mitra, await session.LoadSettingsAsync(ct));
        return new MitraMe(mitra.Id, mitra.FullName, mitra.Alias, mitra.Bio, mitra.Specialties,
            mitra.IsOnline, mitra.OnlineSince, state.Available, state.Capacity, state.ActiveSessions,
            mitra.IsOnline ? await presence.BackgroundUntilAsync(mitra.Id) : null);
    }
}

public sealed record GetMyMitraProfile : IQuery<MitraMe>
{
    public sealed class Handler(IQuerySession session, Presence.IPresenceStore presence, Caller caller) : IQueryHandler<GetMyMitraProfile, MitraMe>
    {
        public async ValueTask<MitraMe> Handle(GetMyMitraProfile query, CancellationToken cancellationToken) =>
            await MitraMe.LoadAsync(session, presence, await caller.MitraAsync(cancellationToken), cancellationToken);
    }
}
