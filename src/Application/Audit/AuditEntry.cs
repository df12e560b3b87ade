using HaloBestie.Application.Common;
using Marten;

namespace HaloBestie.Application.Audit;

/// <summary>One staff action: who, when, what, on which target. Stored in the same transaction as the change.</summary>
public sealed record AuditEntry(
    Guid Id,
    Guid StaffId,
    string StaffEmail,
    string Action,
    string TargetType,
    string TargetId,
    string? Detail,
    DateTimeOffset At);

public static class AuditLog
{
    /// <summary>Queues the entry on the session; it commits with the change it describes.</summary>
    public static void Audit(this IDocumentSession session, StaffActor actor, string action, string targetType, object targetId, DateTimeOffset at, string? detail = null) =>
        session.Store(new AuditEntry(Guid.CreateVersion7(), actor.Id, actor.Email, action, targetType, targetId.ToString() ?? "", detail, at));
}
