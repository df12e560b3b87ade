namespace HaloBestie.Application.Presence;

/// <summary>
/// Who is online right now and when each last heartbeated (Valkey). Heartbeats touch only this;
/// transitions are also events on the mitra's stream. Every operation is atomic across instances.
/// </summary>
public interface IPresenceStore
{
    /// <summary>Adds the mitra to the online set with a fresh heartbeat.</summary>
    Task MarkOnlineAsync(Guid mitraId, DateTimeOffset now);

    /// <summary>Refreshes the heartbeat of an online mitra; false when the mitra is not in the online set.</summary>
    Task<bool> HeartbeatAsync(Guid mitraId, DateTimeOffset now);

    /// <summary>
    /// Removes the mitra from the online set and notes that it is going offline. The note stays
    /// until <see cref="ForgetOfflineAsync"/> (the sweeper, well after the transition is stored) or
    /// until the mitra goes online again; while it is there the mitra is never restored.
    /// </summary>
    Task BeginOfflineAsync(Guid mitraId, DateTimeOffset now);

    Task ForgetOfflineAsync(Guid mitraId);

    /// <summary>
    /// Atomically takes up to <paramref name="max"/> mitras whose last heartbeat is at or before
    /// <paramref name="cutoff"/> out of the online set. Each mitra is returned to exactly one caller.
    /// </summary>
    Task<IReadOnlyList<Guid>> ClaimExpiredAsync(DateTimeOffset cutoff, DateTimeOffset now, int max);

    /// <summary>Mitras noted as going offline before <paramref name="before"/>.</summary>
    Task<IReadOnlyList<Guid>> StaleOfflinesAsync(DateTimeOffset before);

    /// <summary>Whether the mitra's going-offline note is still there and older than <paramref name="before"/>.</summary>
    Task<bool> IsClosingSinceAsync(Guid mitraId, DateTimeOffset before);

    /// <summary>
    /// Puts back mitras the stream says are online but the online set lacks (Valkey restarted
    /// empty), as if they had heartbeated now; they time out normally unless they keep
    /// heartbeating. Skips mitras whose offline transition is in progress. Returns those restored.
    /// </summary>
    Task<IReadOnlyList<Guid>> RestoreMissingAsync(IReadOnlyCollection<Guid> onlineInStore, DateTimeOffset now);

    /// <summary>
    /// Which of <paramref name="onlineInStore"/> are in neither the online set nor going offline:
    /// what <see cref="RestoreMissingAsync"/> would put back. Reads only, in short commands of a
    /// bounded size, so comparing thousands of mitras never holds Valkey for long.
    /// </summary>
    Task<IReadOnlyList<Guid>> FindMissingAsync(IReadOnlyCollection<Guid> onlineInStore);

    Task<bool> IsOnlineAsync(Guid mitraId);

    /// <summary>
    /// An online mitra's app went to the background: it stays online without heartbeats until
    /// <paramref name="until"/> (then <see cref="ClaimBackgroundExpiredAsync"/> takes it). False
    /// when the mitra is not in the online set. A heartbeat or going online again ends it.
    /// </summary>
    Task<bool> EnterBackgroundAsync(Guid mitraId, DateTimeOffset until);

    /// <summary>Atomically takes up to <paramref name="max"/> background mitras whose time ran out by <paramref name="now"/> out of the online set; each to one caller.</summary>
    Task<IReadOnlyList<Guid>> ClaimBackgroundExpiredAsync(DateTimeOffset now, int max);

    /// <summary>Until when the mitra is reachable in the background, or null when it is not (or Valkey cannot say right now).</summary>
    Task<DateTimeOffset?> BackgroundUntilAsync(Guid mitraId);

    /// <summary>How many online mitras are in the background (0 when Valkey cannot say right now).</summary>
    Task<long> CountBackgroundAsync();

    /// <summary>How many mitras are in the online set (one cheap count; the metrics read it).</summary>
    Task<long> CountOnlineAsync();
}
