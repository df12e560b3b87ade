using HaloBestie.Domain.Pairing;
using Marten.Events.Aggregation;

namespace HaloBestie.Application.Pairing;

/// <summary>Builds <see cref="PairingRequest"/> inline: the write model and every pairing query's read model.</summary>
public sealed partial class PairingRequestProjection : SingleStreamProjection<PairingRequest, Guid>
{
    public static PairingRequest Create(PairingRequested e) => PairingRequest.Create(e);

    public static PairingRequest Apply(PairingOffered e, PairingRequest r) => r.Apply(e);

    public static PairingRequest Apply(PairingDeclined e, PairingRequest r) => r.Apply(e);

    public static PairingRequest Apply(PairingAccepted e, PairingRequest r) => r.Apply(e);

    public static PairingRequest Apply(PairingCancelled e, PairingRequest r) => r.Apply(e);

    public static PairingRequest Apply(PairingExpired e, PairingRequest r) => r.Apply(e);

    public static PairingRequest Apply(PairingRequestErased e, PairingRequest r) => r.Apply(e);
}
