using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;

namespace HaloBestie.Domain.Sessions;

/// <summary>The session rules as pure functions: an ended session accepts nothing more (409 <c>session-ended</c>).</summary>
public static class SessionDecisions
{
    public static SessionStarted Start(Guid sessionId, Guid requestId, Guid clientId, Guid mitraId, TimeSpan duration, string paidWith, DateTimeOffset now) =>
        new(sessionId, requestId, clientId, mitraId, now + duration, now, paidWith);

    /// <summary>
    /// The credit comes back when staff end the session within its first 5 minutes (a reroute
    /// that could not be made, say): the client did not get the conversation it paid for.
    /// </summary>
    public static bool ReturnsCredit(Session session, SessionEnded ended) =>
        ended.EndedBy == SessionActors.Staff && session.PaidWith is not null && ended.At - session.StartedAt < Session.CreditReturnWindow;

    /// <summary>
    /// What an end gives back, on other streams: the mitra's place (<see cref="MitraSessionEnded"/>)
    /// and, when <see cref="ReturnsCredit"/>, the client's trial session or credit.
    /// </summary>
    public static (MitraSessionEnded Freed, CreditReturned? Returned) Release(Session session, SessionEnded ended) =>
        (new MitraSessionEnded(session.MitraId, session.Id, ended.At),
         ReturnsCredit(session, ended) ? new CreditReturned(session.ClientId, session.Id, session.PaidWith!, CreditReturnReasons.EndedByStaffWithin5Minutes, ended.At) : null);

    /// <param name="message">Words for the other party (or, from staff, for both), shown as the session's <c>endMessage</c>; null for none.</param>
    public static SessionEnded End(Session session, string endedBy, Guid? actorId, string reason, DateTimeOffset now, string? message = null)
    {
        EnsureActive(session);
        return new SessionEnded(session.Id, endedBy, actorId, reason, now, string.IsNullOrWhiteSpace(message) ? null : message.Trim());
    }

    public static SessionRerouted Reroute(Session session, Guid toMitraId, string reason, bool forced, Guid byStaffId, DateTimeOffset now)
    {
        EnsureActive(session);
        if (toMitraId == session.MitraId)
            throw DomainException.Coded(ProblemNames.Conflict, ProblemCodes.SameMitra, "The session is already with this mitra.");
        return new SessionRerouted(session.Id, session.MitraId, toMitraId, reason, forced, byStaffId, now);
    }

    /// <summary>
    /// The durable timers: the warning 5 minutes before the end, then the end itself, each once,
    /// each with its system message (the end's message comes before the end: nothing follows
    /// <see cref="SessionEnded"/> in a session's stream).
    /// </summary>
    public static IReadOnlyList<object> Tick(Session session, DateTimeOffset now)
    {
        if (session.Status != SessionStatus.Active)
            return [];
        if (now >= session.EndsAt)
        {
            if (session.WarnedAt is not null)
                return [ConversationDecisions.Closing(session, now), new SessionEnded(session.Id, SessionActors.System, null, SessionEndReasons.TimeUp, now)];
            var warning = ConversationDecisions.EndingSoon(session, now);
            return [new SessionEndingSoon(session.Id, session.EndsAt, now), warning,
                ConversationDecisions.Closing(session.Apply(warning), now), new SessionEnded(session.Id, SessionActors.System, null, SessionEndReasons.TimeUp, now)];
        }
        return session.WarnedAt is null && now >= session.WarnAt
            ? [new SessionEndingSoon(session.Id, session.EndsAt, now), ConversationDecisions.EndingSoon(session, now)]
            : [];
    }

    public const int MaxRatingCommentLength = 1000;

    /// <summary>
    /// The client rates its session once it ended (PRODUCT.md §9): 404 <c>not-found</c> for anyone
    /// else's session, 409 <c>session-active</c> before the end, 409 <c>already-rated</c> the second
    /// time; 1–5 stars, a comment of at most 1,000 characters (trimmed; empty is none).
    /// </summary>
    public static SessionRated Rate(Session session, Guid clientId, int stars, string? comment, DateTimeOffset now)
    {
        if (session.ClientId != clientId)
            throw new NotFoundException("Session", session.Id);
        if (session.Status == SessionStatus.Active)
            throw new DomainException(ProblemNames.SessionActive, "A session can be rated once it has ended.");
        if (session.RatingStars is not null)
            throw new DomainException(ProblemNames.AlreadyRated, "This session has already been rated.");
        if (stars is < 1 or > 5)
            throw new InvalidFieldException("stars", new(ValidationCodes.StarsRange, "A rating has 1 to 5 stars."));
        var text = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (text is { Length: > MaxRatingCommentLength })
            throw new InvalidFieldException("comment", new(ValidationCodes.CommentTooLong, $"A comment has at most {MaxRatingCommentLength} characters."));
        return new SessionRated(session.Id, stars, text, now);
    }

    private static void EnsureActive(Session session)
    {
        if (session.Status == SessionStatus.Ended)
            throw new DomainException(ProblemNames.SessionEnded, "The session has ended.");
    }
}
