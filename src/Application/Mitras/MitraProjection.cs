using HaloBestie.Domain.Mitras;
using Marten.Events.Aggregation;

namespace HaloBestie.Application.Mitras;

/// <summary>
/// Builds <see cref="Mitra"/> from its stream, inline with each append, so the stored document is
/// both the write model FetchForWriting starts from and the read model of the list and detail.
/// Marten 9 generates the dispatch at compile time in this assembly (see ADR 0004), which is why
/// the methods live here and delegate to the domain.
/// </summary>
public sealed partial class MitraProjection : SingleStreamProjection<Mitra, Guid>
{
    public static Mitra Create(MitraRegistered e) => Mitra.Create(e);

    public static Mitra Apply(MitraProfileEdited e, Mitra mitra) => mitra.Apply(e);

    public static Mitra Apply(MitraDeactivated e, Mitra mitra) => mitra.Apply(e);

    public static Mitra Apply(MitraActivated e, Mitra mitra) => mitra.Apply(e);

    public static Mitra Apply(MitraFirebaseAccountBound e, Mitra mitra) => mitra.Apply(e);

    public static Mitra Apply(MitraWentOnline e, Mitra mitra) => mitra.Apply(e);

    public static Mitra Apply(MitraWentOffline e, Mitra mitra) => mitra.Apply(e);

    public static Mitra Apply(MitraCapacitySet e, Mitra mitra) => mitra.Apply(e);

    public static Mitra Apply(MitraSessionStarted e, Mitra mitra) => mitra.Apply(e);

    public static Mitra Apply(MitraSessionEnded e, Mitra mitra) => mitra.Apply(e);
}
