using System.ComponentModel.DataAnnotations;
using HaloBestie.Application.Conversation;
using HaloBestie.Application.Pairing;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Sessions;
using Marten;

namespace HaloBestie.Application.Sessions;

/// <summary>
/// A session as its client sees it: the mitra under the anonymity settings; <c>unread</c> and
/// <c>lastMessage</c> of its conversation (<see cref="ConversationSummary"/>); why it ended as a
/// code (<c>endReasonCode</c>) and the words written for the client, if any (<c>endMessage</c>).
/// </summary>
public sealed record ClientSessionView(
    Guid Id, SessionStatus Status, DateTimeOffset StartedAt, DateTimeOffset EndsAt, DateTimeOffset? EndedAt,
    [property: AllowedValues(SessionActors.Client, SessionActors.Mitra, SessionActors.Staff, SessionActors.System)] string? EndedBy, string? EndReason,
    PairingNotifications.MitraShown Mitra, int Unread, MessageView? LastMessage,
    [property: AllowedValues(SessionEndReasons.EndedByClient, SessionEndReasons.EndedByMitra, SessionEndReasons.EndedByStaff, SessionEndReasons.TimeUp)] string? EndReasonCode, string? EndMessage)
{
    /// <summary>
    /// <c>endReason</c> as apps written before <c>endReasonCode</c> read it: the message when there is
    /// one, else the code. Never a staff member's reason for the record.
    /// </summary>
    internal static string? AppEndReason(Session s) => s.EndMessage ?? s.EndReasonCode;

    public static async Task<ClientSessionView> OfAsync(IQuerySession query, Session s, CancellationToken ct)
    {
        var mitra = await query.LoadAsync<Mitra>(s.MitraId, ct);
        var shown = mitra is null ? new PairingNotifications.MitraShown(s.MitraId, "Bestie", null) : await PairingNotifications.MitraShownAsync(query, mitra, ct);
        var conversation = await ConversationSummary.OfAsync(query, s, MessageSenders.Client, long.MaxValue, ct);
        return new ClientSessionView(s.Id, s.Status, s.StartedAt, s.EndsAt, s.EndedAt, s.EndedBy, AppEndReason(s), shown, conversation.Unread, conversation.LastMessage, s.EndReasonCode, s.EndMessage);
    }
}

/// <summary>
/// A session as its mitra sees it: the client under the anonymity settings, never its identity;
/// <c>unread</c> and <c>lastMessage</c> of its conversation (<see cref="ConversationSummary"/>).
/// </summary>
public sealed record MitraSessionView(
    Guid Id, SessionStatus Status, DateTimeOffset StartedAt, DateTimeOffset EndsAt, DateTimeOffset? EndedAt,
    [property: AllowedValues(SessionActors.Client, SessionActors.Mitra, SessionActors.Staff, SessionActors.System)] string? EndedBy, string? EndReason,
    PairingNotifications.ClientShown Client, int Unread, MessageView? LastMessage,
    [property: AllowedValues(SessionEndReasons.EndedByClient, SessionEndReasons.EndedByMitra, SessionEndReasons.EndedByStaff, SessionEndReasons.TimeUp)] string? EndReasonCode, string? EndMessage)
{
    public static async Task<MitraSessionView> OfAsync(IQuerySession query, Session s, CancellationToken ct)
    {
        var client = await PairingNotifications.ClientShownAsync(query, s.ClientId, ct);
        var conversation = await ConversationSummary.OfAsync(query, s, MessageSenders.Mitra, long.MaxValue, ct);
        return new MitraSessionView(s.Id, s.Status, s.StartedAt, s.EndsAt, s.EndedAt, s.EndedBy, ClientSessionView.AppEndReason(s), client, conversation.Unread, conversation.LastMessage, s.EndReasonCode, s.EndMessage);
    }
}
