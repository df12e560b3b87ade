using HaloBestie.Domain.Sessions;
using Marten.Events.Aggregation;

namespace HaloBestie.Application.Sessions;

/// <summary>Builds <see cref="Session"/> inline from its stream; the same methods rebuild it at any past moment.</summary>
public sealed partial class SessionProjection : SingleStreamProjection<Session, Guid>
{
    public static Session Create(SessionStarted e) => Session.Create(e);

    public static Session Apply(SessionRerouted e, Session s) => s.Apply(e);

    public static Session Apply(SessionEndingSoon e, Session s) => s.Apply(e);

    public static Session Apply(SessionEnded e, Session s) => s.Apply(e);

    public static Session Apply(MessageSent e, Session s) => s.Apply(e);

    public static Session Apply(MessagesRead e, Session s) => s.Apply(e);

    public static Session Apply(SessionRated e, Session s) => s.Apply(e);

    public static Session Apply(ConversationErased e, Session s) => s.Apply(e);
}
