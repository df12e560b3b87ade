using System.Security.Cryptography;
using System.Text;

namespace HaloBestie.Domain.Sessions;

/// <summary>What a send decided: a new message to record, or the one already recorded under this id.</summary>
public abstract record SendOutcome;

/// <summary>A new message: append it to the session's stream.</summary>
public sealed record Sent(MessageSent Message) : SendOutcome;

/// <summary>This id was sent before with this text (a retry after a lost answer): nothing is recorded.</summary>
public sealed record AlreadySent(SessionMessage Message) : SendOutcome;

/// <summary>
/// The conversation rules of PRODUCT.md §8 as pure functions over the <see cref="Session"/>: who may
/// write, when, what a text may hold, the one order (<c>seq</c>) and the read marks.
/// </summary>
public static class ConversationDecisions
{
    public const int MaxTextLength = 4000;

    /// <summary>
    /// A text has 1–4,000 characters (Unicode scalar values) once the spaces around it are
    /// trimmed; line feed and tab are allowed, every other control character is refused, and so
    /// is text that is not valid Unicode (a lone surrogate). The text is kept exactly as sent.
    /// </summary>
    public static bool IsValidText(string? text, out Refusal? error)
    {
        if (text is null || text.AsSpan().Trim().IsEmpty)
            error = new(ValidationCodes.TextRequired, "A message needs some text.");
        else if (text.Length > MaxUtf16Length)
            error = TooLong;
        else if (FirstRefusedCharacter(text) is { } refused)
            error = refused;
        else if (CountCharacters(text.AsSpan().Trim()) > MaxTextLength)
            error = TooLong;
        else
            error = null;
        return error is null;
    }

    private static readonly Refusal TooLong = new(ValidationCodes.TextTooLong, $"A message has at most {MaxTextLength} characters.");

    // Four thousand characters can take two UTF-16 units each, with some room for spaces around them.
    private const int MaxUtf16Length = MaxTextLength * 2 + 1024;

    private static Refusal? FirstRefusedCharacter(string text)
    {
        for (var rest = text.AsSpan(); !rest.IsEmpty;)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done)
                return new(ValidationCodes.NotUnicode, "The message is not valid Unicode text.");
            if (Rune.IsControl(rune) && rune.Value is not ('\n' or '\t'))
                return new(ValidationCodes.TextControlCharacter, "A message may not contain control characters other than line breaks (\\n) and tabs.");
            rest = rest[used..];
        }
        return null;
    }

    private static int CountCharacters(ReadOnlySpan<char> text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
            count++;
        return count;
    }

    /// <summary>
    /// A party sends <paramref name="text"/> under the id its app chose. In this order: 404
    /// <c>not-found</c> for someone who never took part; the id already recorded
    /// (<paramref name="stored"/>) with the same session, sender and text is
    /// <see cref="AlreadySent"/> (even after the end: it was sent before), and with anything else
    /// 409 <c>conflict</c>; the text rules (400 <c>validation</c>); 409 <c>session-ended</c> once
    /// the session ended, and for a mitra it was rerouted away from. The new message takes the
    /// next <c>seq</c>.
    /// </summary>
    public static SendOutcome Send(Session session, string sender, Guid senderId, Guid messageId, string text, SessionMessage? stored, DateTimeOffset now)
    {
        _ = session.ReadableUpTo(sender, senderId) ?? throw new NotFoundException("Session", session.Id);
        if (stored is not null)
        {
            return stored.SessionId == session.Id && stored.Sender == sender && stored.SenderId == senderId && stored.Text == text
                ? new AlreadySent(stored)
                : throw MessageIdReused();
        }
        if (!IsValidText(text, out var error))
            throw new InvalidFieldException("text", error!);
        EnsureCanWrite(session, sender, senderId);
        return new Sent(new MessageSent(session.Id, messageId, session.LastSeq + 1, sender, senderId, text, now));
    }

    /// <summary>409 <c>conflict</c>, code <c>message-id-reused</c>: the app chose an id it had already used for another message.</summary>
    public static DomainException MessageIdReused() =>
        DomainException.Coded(ProblemNames.Conflict, ProblemCodes.MessageIdReused, "This message id was already used for another message; choose a new id for a new message.");

    /// <summary>
    /// A party may write (a message, or that it is typing) only while the session is active, and a
    /// mitra only while the session is its own: 404 <c>not-found</c> for someone who never took
    /// part, 409 <c>session-ended</c> once it ended or was rerouted away from this mitra.
    /// </summary>
    public static void EnsureCanWrite(Session session, string party, Guid id)
    {
        var readable = session.ReadableUpTo(party, id) ?? throw new NotFoundException("Session", session.Id);
        if (session.Status == SessionStatus.Ended || readable != long.MaxValue)
            throw new DomainException(ProblemNames.SessionEnded, "The session has ended.");
    }

    /// <summary>
    /// A read mark: up to <paramref name="upToSeq"/>, at most the last message; null when it would
    /// not move the party's mark forward (marks never go back) or the reader is a mitra the session
    /// was rerouted away from (its part is over). 404 <c>not-found</c> for someone who never took part.
    /// </summary>
    public static MessagesRead? Read(Session session, string reader, Guid readerId, long upToSeq, DateTimeOffset now)
    {
        var readable = session.ReadableUpTo(reader, readerId) ?? throw new NotFoundException("Session", session.Id);
        var mark = Math.Min(upToSeq, session.LastSeq);
        return readable == long.MaxValue && mark > session.ReadUpTo(reader)
            ? new MessagesRead(session.Id, reader, readerId, mark, now)
            : null;
    }

    /// <summary>
    /// A client's message that matches a risk phrase (<see cref="RiskPhrases"/>) raises a flag on
    /// it; the mitra's and the system's never do. The message itself is never refused, delayed or
    /// changed: the flag is an event beside it.
    /// </summary>
    public static RiskFlagRaised? FlagRisk(MessageSent message, IEnumerable<string> phrases, Guid flagId) =>
        message.Sender == MessageSenders.Client && RiskPhrases.FirstMatch(message.Text, phrases) is { } phrase
            ? new RiskFlagRaised(message.SessionId, flagId, message.Seq, phrase, message.At)
            : null;

    /// <summary>Staff acknowledge an open flag with a note; 409 <c>conflict</c> when it was acknowledged already.</summary>
    public static RiskFlagAcknowledged Acknowledge(RiskFlag flag, Guid staffId, string note, DateTimeOffset now) =>
        flag.IsOpen
            ? new RiskFlagAcknowledged(flag.SessionId, flag.Id, staffId, note, now)
            : throw DomainException.Coded(ProblemNames.Conflict, ProblemCodes.AlreadyAcknowledged, $"This flag was acknowledged at {flag.AcknowledgedAt:O}.");

    /// <summary>The system message that opens a conversation (the first <c>seq</c>).</summary>
    public static MessageSent Opening(SessionStarted started) =>
        SystemMessage(started.SessionId, 1, SystemMessageKinds.Start, "Sesi dimulai. Ceritakan apa saja, kamu didengar.", started.At);

    /// <summary>The system message of a handover, naming the new mitra as the client is shown it.</summary>
    public static MessageSent Handover(Session session, string newMitraShownName, DateTimeOffset now) =>
        Next(session, SystemMessageKinds.Handover, $"Sesi dilanjutkan oleh {newMitraShownName}.", now);

    /// <summary>The system message of the warning before time-up.</summary>
    public static MessageSent EndingSoon(Session session, DateTimeOffset now) =>
        Next(session, SystemMessageKinds.EndingSoon, $"Sesi akan berakhir dalam {(int)Session.WarningBeforeEnd.TotalMinutes} menit.", now);

    /// <summary>The system message of the end, whoever ended it.</summary>
    public static MessageSent Closing(Session session, DateTimeOffset now) =>
        Next(session, SystemMessageKinds.End, "Sesi telah berakhir.", now);

    private static MessageSent Next(Session session, string kind, string text, DateTimeOffset now) =>
        SystemMessage(session.Id, session.LastSeq + 1, kind, text, now);

    /// <summary>A system message's id is derived from its session and place, so a decision made twice names it the same.</summary>
    private static MessageSent SystemMessage(Guid sessionId, long seq, string kind, string text, DateTimeOffset now)
    {
        Span<byte> seed = stackalloc byte[24];
        sessionId.TryWriteBytes(seed);
        BitConverter.TryWriteBytes(seed[16..], seq);
        var hash = SHA256.HashData(seed);
        return new MessageSent(sessionId, new Guid(hash.AsSpan(0, 16)), seq, MessageSenders.System, null, text, now, kind);
    }
}
