using System.ComponentModel.DataAnnotations;
using HaloBestie.Application.Realtime;
using HaloBestie.Application.Settings;
using HaloBestie.Domain.Sessions;
using Marten;

namespace HaloBestie.Application.Conversation;

/// <summary>
/// A message as both apps and staff read it (API.md): <c>sender</c> is a role (<c>client</c>,
/// <c>mitra</c>, <c>system</c>), never an identity; <c>kind</c> names a system message
/// (<c>start</c>, <c>handover</c>, <c>ending-soon</c>, <c>end</c>) and is null for the parties' own.
/// <c>erased</c>: the text was erased (the client deleted its account, or retention); <c>text</c> is then empty.
/// </summary>
public sealed record MessageView(
    Guid Id,
    long Seq,
    [property: AllowedValues(MessageSenders.Client, MessageSenders.Mitra, MessageSenders.System)] string Sender,
    string Text,
    DateTimeOffset SentAt,
    [property: AllowedValues(SystemMessageKinds.Start, SystemMessageKinds.Handover, SystemMessageKinds.EndingSoon, SystemMessageKinds.End)] string? Kind,
    bool Erased = false)
{
    public static MessageView Of(SessionMessage m) => new(m.Id, m.Seq, m.Sender, m.Text, m.SentAt, m.Kind, m.Erased);

    public static MessageView Of(MessageSent e) => Of(SessionMessage.Of(e));
}

/// <summary>Each party's read mark: the <c>seq</c> it has read up to (0: nothing yet).</summary>
public sealed record ReadMarks(long Client, long Mitra);

/// <summary>The conversation's events of the catalogue, sent after the change commits.</summary>
public sealed class ConversationNotifications(IRealtime realtime, IDocumentStore store)
{
    /// <summary>To the client and to the session's current mitra, in the order given.</summary>
    public async Task CreatedAsync(Session session, IEnumerable<MessageSent> messages, CancellationToken ct)
    {
        foreach (var message in messages)
            await realtime.PublishToAllAsync(PartiesOf(session), new AppEvents.MessageCreated(session.Id, MessageView.Of(message)), ct);
    }

    public Task ReadAsync(Session session, MessagesRead read, CancellationToken ct) =>
        realtime.PublishToAllAsync(PartiesOf(session), new AppEvents.MessageRead(session.Id, read.Reader, read.UpToSeq), ct);

    public Task TypingAsync(Session session, string sender, CancellationToken ct) =>
        realtime.PublishAsync(sender == MessageSenders.Client ? Recipient.Mitra(session.MitraId) : Recipient.Client(session.ClientId),
            new AppEvents.MessageTyping(session.Id, sender), ct);

    /// <summary>To the session's mitra: a risk flag, with the crisis resources of the settings.</summary>
    public async Task RiskFlaggedAsync(Session session, RiskFlagRaised flag, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var settings = await query.LoadSettingsAsync(ct);
        await realtime.PublishAsync(Recipient.Mitra(session.MitraId), new AppEvents.RiskFlagged(session.Id, flag.FlagId, flag.Seq, settings.CrisisResources), ct);
    }

    private static Recipient[] PartiesOf(Session session) => [Recipient.Client(session.ClientId), Recipient.Mitra(session.MitraId)];
}
