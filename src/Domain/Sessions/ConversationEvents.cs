namespace HaloBestie.Domain.Sessions;

/// <summary>
/// A message of the session's conversation (PRODUCT.md §8), an event of the session's own stream:
/// <paramref name="Seq"/> is its place in the one order every reader sees (1, 2, 3… within the
/// session, system messages included). <paramref name="SenderId"/> is the client or mitra who wrote
/// it (null for the system): kept for the audit trail, never shown to the other party.
/// <paramref name="Kind"/> says which system message it is (<see cref="SystemMessageKinds"/>).
/// </summary>
/// <paramref name="Erased"/> is set when the text was erased in the event store (<see cref="ConversationErased"/>): the text is then empty.
public sealed record MessageSent(Guid SessionId, Guid MessageId, long Seq, string Sender, Guid? SenderId, string Text, DateTimeOffset At, string? Kind = null, bool Erased = false);

/// <summary>A party has read the conversation up to <paramref name="UpToSeq"/>; marks only move forward.</summary>
public sealed record MessagesRead(Guid SessionId, string Reader, Guid ReaderId, long UpToSeq, DateTimeOffset At);

/// <summary>Who wrote a message: a message carries its sender's role, never an identity.</summary>
public static class MessageSenders
{
    public const string Client = "client";
    public const string Mitra = "mitra";
    public const string System = "system";
}

/// <summary>The messages the server adds to every conversation, so each party's transcript tells the session's story.</summary>
public static class SystemMessageKinds
{
    public const string Start = "start";
    public const string Handover = "handover";
    public const string EndingSoon = "ending-soon";
    public const string End = "end";
}

/// <summary>
/// A message as every reader sees it, kept by the conversation's projection (one row per message,
/// indexed by session and <see cref="Seq"/>) so that a page is one indexed read, not a replay.
/// </summary>
public sealed record SessionMessage(Guid Id, Guid SessionId, long Seq, string Sender, Guid? SenderId, string Text, DateTimeOffset SentAt, string? Kind, bool Erased = false)
{
    public static SessionMessage Of(MessageSent e) => new(e.MessageId, e.SessionId, e.Seq, e.Sender, e.SenderId, e.Text, e.At, e.Kind, e.Erased);
}

/// <summary>
/// The texts of the session's conversation were erased, in the event store and in every read
/// model (PRODUCT.md §11): its messages keep their place, sender and time with an empty text and
/// <see cref="MessageSent.Erased"/> set; the rating's comment and the end's words go too. Appended
/// once per session; <paramref name="Reason"/> is one of <see cref="ConversationErasureReasons"/>.
/// </summary>
public sealed record ConversationErased(Guid SessionId, string Reason, long UpToSeq, DateTimeOffset At);

public static class ConversationErasureReasons
{
    /// <summary>The client deleted its account (<c>DELETE /api/client/me</c>).</summary>
    public const string ClientDeleted = "client-deleted";

    /// <summary>The session ended more than <c>transcriptRetentionDays</c> ago.</summary>
    public const string Retention = "retention";
}

/// <summary>A mitra who served the session before a reroute reads it up to <see cref="UpToSeq"/>, the last message before its handover.</summary>
public sealed record FormerMitra(Guid MitraId, long UpToSeq);

/// <summary>A client's message (<paramref name="Seq"/>) matched <paramref name="Phrase"/> of the risk phrases (PRODUCT.md §9).</summary>
public sealed record RiskFlagRaised(Guid SessionId, Guid FlagId, long Seq, string Phrase, DateTimeOffset At);

/// <summary>A staff member reviewed the flag and wrote what was done.</summary>
public sealed record RiskFlagAcknowledged(Guid SessionId, Guid FlagId, Guid StaffId, string Note, DateTimeOffset At);

/// <summary>A risk flag as staff review it: raised on a message, open until acknowledged.</summary>
public sealed record RiskFlag(Guid Id, Guid SessionId, long Seq, string Phrase, DateTimeOffset RaisedAt, DateTimeOffset? AcknowledgedAt, Guid? AcknowledgedBy, string? Note)
{
    public bool IsOpen => AcknowledgedAt is null;

    public static RiskFlag Create(RiskFlagRaised e) => new(e.FlagId, e.SessionId, e.Seq, e.Phrase, e.At, null, null, null);

    public RiskFlag Apply(RiskFlagAcknowledged e) => this with { AcknowledgedAt = e.At, AcknowledgedBy = e.StaffId, Note = e.Note };
}

/// <summary>The client's rating of an ended session (PRODUCT.md §9): 1–5 stars, an optional comment.</summary>
public sealed record SessionRated(Guid SessionId, int Stars, string? Comment, DateTimeOffset At);
