namespace HaloBestie.Domain.Sessions;

public sealed record SessionStarted(Guid SessionId, Guid RequestId, Guid ClientId, Guid MitraId, DateTimeOffset At);

public enum SessionStatus
{
    Active,
    Ended,
}

/// <summary>
/// A conversation between one client and one mitra (PRODUCT.md §4). <see cref="ActiveClientId"/>
/// is the client id while active: a unique index on it keeps one active session per client.
/// </summary>
public sealed record Session(Guid Id, Guid RequestId, Guid ClientId, Guid MitraId, SessionStatus Status, DateTimeOffset StartedAt, DateTimeOffset? EndedAt)
{
    public Guid? ActiveClientId => Status == SessionStatus.Active ? ClientId : null;

    public static Session Create(SessionStarted e) => new(e.SessionId, e.RequestId, e.ClientId, e.MitraId, SessionStatus.Active, e.At, null);
}
