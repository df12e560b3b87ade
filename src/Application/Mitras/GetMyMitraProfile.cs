using HaloBestie.Application.Callers;
using HaloBestie.Application.Settings;
using HaloBestie.Domain.Mitras;
using Marten;
using Mediator;

namespace HaloBestie.Application.Mitras;

/// <summary>
/// The mitra app's own profile and state. <c>Capacity</c>: how many clients the mitra may serve at
/// once; <c>Available</c>: online, active and below capacity (pairing offers go only to available mitras).
/// </summary>
public sealed record MitraMe(
    Guid Id, string FullName, string Alias, string? Bio, IReadOnlyList<string> Specialties,
    bool Online, DateTimeOffset? OnlineSince, bool Available, int Capacity, int ActiveSessions)
{
    public static async Task<MitraMe> LoadAsync(IQuerySession session, Mitra mitra, CancellationToken ct)
    {
        var state = MitraAvailability.Of(mitra, await session.LoadSettingsAsync(ct));
        return new MitraMe(mitra.Id, mitra.FullName, mitra.Alias, mitra.Bio, mitra.Specialties,
            mitra.IsOnline, mitra.OnlineSince, state.Available, state.Capacity, state.ActiveSessions);
    }
}

public sealed record GetMyMitraProfile : IQuery<MitraMe>
{
    public sealed class Handler(IQuerySession session, Caller caller) : IQueryHandler<GetMyMitraProfile, MitraMe>
    {
        public async ValueTask<MitraMe> Handle(GetMyMitraProfile query, CancellationToken cancellationToken) =>
            await MitraMe.LoadAsync(session, await caller.MitraAsync(cancellationToken), cancellationToken);
    }
}
