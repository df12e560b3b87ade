using HaloBestie.Domain.Sessions;
using Marten;
using Marten.Events.Projections;

namespace HaloBestie.Application.Conversation;

/// <summary>
/// One <see cref="SessionMessage"/> row per <see cref="MessageSent"/>, written inline with the
/// event (same transaction), unique by message id and by (session, seq): a page of a long
/// conversation is one indexed read. Inserted, never upserted: an id used twice fails the write
/// instead of replacing a message.
/// </summary>
public sealed partial class SessionMessageProjection : EventProjection
{
    public static void Project(MessageSent e, IDocumentOperations operations) => operations.Insert(SessionMessage.Of(e));
}
