namespace HaloBestie.Domain.Sessions;

/// <summary>
/// Started by the accept that matched <paramref name="RequestId"/>; lasts until <paramref name="EndsAt"/> at most.
/// <paramref name="PaidWith"/>: the kind of credit the client spent on it (trial or paid).
/// </summary>
public sealed record SessionStarted(Guid SessionId, Guid RequestId, Guid ClientId, Guid MitraId, DateTimeOffset EndsAt, DateTimeOffset At, string? PaidWith = null);

public sealed record SessionRerouted(Guid SessionId, Guid FromMitraId, Guid ToMitraId, string Reason, bool Forced, Guid ByStaffId, DateTimeOffset At);

/// <summary>The 5-minute warning before time-up.</summary>
public sealed record SessionEndingSoon(Guid SessionId, DateTimeOffset EndsAt, DateTimeOffset At);

/// <summary><paramref name="EndedBy"/>: see <see cref="SessionActors"/>; <paramref name="ActorId"/> the client, mitra or staff member (null for the system).</summary>
/// <param name="Reason">The code of <see cref="SessionEndReasons"/>, or (staff) the staff member's reason for the record, never shown to the parties.</param>
/// <param name="Message">Text written for the other party to read: the ending party's own words, or the message staff wrote for the client and mitra.</param>
public sealed record SessionEnded(Guid SessionId, string EndedBy, Guid? ActorId, string Reason, DateTimeOffset At, string? Message = null);

public static class SessionActors
{
    public const string Client = "client";
    public const string Mitra = "mitra";
    public const string Staff = "staff";
    public const string System = "system";
}

public static class SessionEndReasons
{
    public const string TimeUp = "time-up";
    public const string Rerouted = "rerouted";
    public const string EndedByClient = "ended-by-client";
    public const string EndedByMitra = "ended-by-mitra";
    public const string EndedByStaff = "ended-by-staff";
}

public enum SessionStatus
{
    Active,
    Ended,
}

/// <summary>
/// A conversation between one client and one mitra (PRODUCT.md §4). <see cref="ActiveClientId"/>
/// is the client id while active: a unique index on it keeps one active session per client.
/// </summary>
public sealed record Session(
    Guid Id,
    Guid RequestId,
    Guid ClientId,
    Guid MitraId,
    SessionStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset EndsAt,
    DateTimeOffset? WarnedAt,
    DateTimeOffset? EndedAt,
    string? EndedBy,
    string? EndReason,
    int Reroutes,
    string? PaidWith = null,
    long LastSeq = 0,
    long ClientReadUpTo = 0,
    long MitraReadUpTo = 0,
    IReadOnlyList<FormerMitra>? FormerMitras = null,
    int? RatingStars = null,
    string? RatingComment = null,
    DateTimeOffset? RatedAt = null,
    string? EndMessage = null,
    DateTimeOffset? ConversationErasedAt = null,
    string? ConversationErasedReason = null)
{
    /// <summary>A session ended by staff this soon after its start gives the client its credit back (PRODUCT.md §6).</summary>
    public static readonly TimeSpan CreditReturnWindow = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan WarningBeforeEnd = TimeSpan.FromMinutes(5);

    public Guid? ActiveClientId => Status == SessionStatus.Active ? ClientId : null;

    /// <summary>When the ending-soon warning is due.</summary>
    public DateTimeOffset WarnAt => EndsAt - WarningBeforeEnd;

    /// <summary>
    /// Why it ended, as a code an app can branch on (<see cref="SessionEndReasons"/>); null while
    /// active. <see cref="EndReason"/> may be a staff member's words for the record; the parties see
    /// this code and <see cref="EndMessage"/> only.
    /// </summary>
    public string? EndReasonCode => Status != SessionStatus.Ended ? null : EndedBy switch
    {
        SessionActors.Client => SessionEndReasons.EndedByClient,
        SessionActors.Mitra => SessionEndReasons.EndedByMitra,
        SessionActors.Staff => SessionEndReasons.EndedByStaff,
        _ => SessionEndReasons.TimeUp,
    };

    public double? DurationMinutes => EndedAt is { } end ? (end - StartedAt).TotalMinutes : null;

    public static Session Create(SessionStarted e) =>
        new(e.SessionId, e.RequestId, e.ClientId, e.MitraId, SessionStatus.Active, e.At, e.EndsAt, null, null, null, null, 0, e.PaidWith);

    /// <summary>The mitra handing over keeps the conversation up to now; the new mitra has read nothing yet.</summary>
    public Session Apply(SessionRerouted e) => this with
    {
        MitraId = e.ToMitraId,
        Reroutes = Reroutes + 1,
        MitraReadUpTo = 0,
        FormerMitras = [.. (FormerMitras ?? []).Where(f => f.MitraId != e.FromMitraId && f.MitraId != e.ToMitraId), new FormerMitra(e.FromMitraId, LastSeq)],
    };

    public Session Apply(SessionEndingSoon e) => this with { WarnedAt = e.At };

    public Session Apply(SessionEnded e) => this with { Status = SessionStatus.Ended, EndedAt = e.At, EndedBy = e.EndedBy, EndReason = e.Reason, EndMessage = e.Message };

    public Session Apply(MessageSent e) => this with { LastSeq = e.Seq };

    public Session Apply(SessionRated e) => this with { RatingStars = e.Stars, RatingComment = e.Comment, RatedAt = e.At };

    /// <summary>The texts are gone (<see cref="ConversationErased"/>): the words kept on the session go with them; stars and times stay.</summary>
    public Session Apply(ConversationErased e) => this with
    {
        RatingComment = null,
        EndMessage = null,
        ConversationErasedAt = e.At,
        ConversationErasedReason = e.Reason,
    };

    public Session Apply(MessagesRead e) => e.Reader == MessageSenders.Client
        ? this with { ClientReadUpTo = Math.Max(ClientReadUpTo, e.UpToSeq) }
        : this with { MitraReadUpTo = Math.Max(MitraReadUpTo, e.UpToSeq) };

    /// <summary>The session after <paramref name="events"/> of its own stream, in order (events of other streams change nothing).</summary>
    public Session Then(IEnumerable<object> events) => events.Aggregate(this, static (s, e) => e switch
    {
        SessionRerouted x => s.Apply(x),
        SessionEndingSoon x => s.Apply(x),
        SessionEnded x => s.Apply(x),
        MessageSent x => s.Apply(x),
        MessagesRead x => s.Apply(x),
        SessionRated x => s.Apply(x),
        ConversationErased x => s.Apply(x),
        _ => s,
    });

    /// <summary>
    /// How far a party may read the conversation: the client and the current mitra all of it
    /// (<see cref="long.MaxValue"/>), a mitra rerouted away up to its handover, anyone else
    /// nothing (null: the session is not theirs).
    /// </summary>
    public long? ReadableUpTo(string party, Guid id) => party switch
    {
        MessageSenders.Client when id == ClientId => long.MaxValue,
        MessageSenders.Mitra when id == MitraId => long.MaxValue,
        MessageSenders.Mitra => FormerMitras?.FirstOrDefault(f => f.MitraId == id)?.UpToSeq,
        _ => null,
    };

    /// <summary>The read mark of one party.</summary>
    public long ReadUpTo(string party) => party == MessageSenders.Client ? ClientReadUpTo : MitraReadUpTo;
}
