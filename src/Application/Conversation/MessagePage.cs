using HaloBestie.Domain;
using FluentValidation;
using HaloBestie.Domain.Sessions;
using Marten;

namespace HaloBestie.Application.Conversation;

/// <summary>
/// A page of a conversation (API.md): <see cref="Items"/> in <c>seq</c> order; <see cref="HasMore"/>
/// says that more messages lie in the direction read (older ones for the newest page and
/// <c>before</c>, newer ones for <c>after</c>); the parties' read marks.
/// </summary>
public sealed record MessagePage(IReadOnlyList<MessageView> Items, bool HasMore, ReadMarks ReadUpTo)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    /// <summary>
    /// Reads from the conversation's projection (one indexed range read), never past
    /// <paramref name="upTo"/> (what this reader may see): the newest page, the page before a
    /// <c>seq</c>, or the page after one.
    /// </summary>
    public static async Task<MessagePage> ReadAsync(IQuerySession query, Session session, long upTo, long? before, long? after, int limit, CancellationToken ct)
    {
        var messages = query.Query<SessionMessage>().Where(m => m.SessionId == session.Id && m.Seq <= upTo);
        List<SessionMessage> items;
        if (after is { } a)
        {
            items = [.. await messages.Where(m => m.Seq > a).OrderBy(m => m.Seq).Take(limit + 1).ToListAsync(ct)];
        }
        else
        {
            if (before is { } b)
                messages = messages.Where(m => m.Seq < b);
            items = [.. await messages.OrderByDescending(m => m.Seq).Take(limit + 1).ToListAsync(ct)];
        }
        var hasMore = items.Count > limit;
        if (hasMore)
            items.RemoveAt(items.Count - 1);
        if (after is null)
            items.Reverse();
        return new MessagePage([.. items.Select(MessageView.Of)], hasMore,
            new ReadMarks(Math.Min(session.ClientReadUpTo, upTo), Math.Min(session.MitraReadUpTo, upTo)));
    }

    /// <summary>The paging rules shared by every route that reads a conversation.</summary>
    public interface IPaging
    {
        long? Before { get; }
        long? After { get; }
        int Limit { get; }
    }

    public sealed class PagingValidator : AbstractValidator<IPaging>
    {
        public PagingValidator()
        {
            RuleFor(x => x.Limit).InclusiveBetween(1, MaxLimit);
            RuleFor(x => x.Before).GreaterThanOrEqualTo(1);
            RuleFor(x => x.After).GreaterThanOrEqualTo(0);
            RuleFor(x => x.After).Null().When(x => x.Before is not null).WithErrorCode(ValidationCodes.BeforeAndAfter).WithMessage("Give either 'before' or 'after', not both.");
        }
    }
}

/// <summary>What a session view adds about its conversation for one party: its unread count (from the read marks) and the last message it may read.</summary>
public sealed record ConversationSummary(int Unread, MessageView? LastMessage)
{
    /// <summary>
    /// Unread: the messages after the party's read mark that it did not write itself (system
    /// messages count), computed from the marks, never kept as a counter. One round trip.
    /// </summary>
    public static async Task<ConversationSummary> OfAsync(IQuerySession query, Session session, string party, long upTo, CancellationToken ct)
    {
        var mark = session.ReadUpTo(party);
        var batch = query.CreateBatchQuery();
        var unread = batch.Query<SessionMessage>().Where(m => m.SessionId == session.Id && m.Seq > mark && m.Seq <= upTo && m.Sender != party).Count();
        var last = batch.Query<SessionMessage>().Where(m => m.SessionId == session.Id && m.Seq <= upTo).OrderByDescending(m => m.Seq).FirstOrDefault();
        await batch.Execute(ct);
        var lastMessage = await last;
        return new ConversationSummary((int)await unread, lastMessage is null ? null : MessageView.Of(lastMessage));
    }
}
