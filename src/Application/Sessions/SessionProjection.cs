using HaloBestie.Domain.Sessions;
using Marten.Events.Aggregation;

namespace HaloBestie.Application.Sessions;

/// <summary>Builds <see cref="Session"/> inline from its stream.</summary>
public sealed partial class SessionProjection : SingleStreamProjection<Session, Guid>
{
    public static Session Create(SessionStarted e) => Session.Create(e);
}
