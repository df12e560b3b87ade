namespace HaloBestie.Application.Realtime;

/// <summary>Whose event stream: one per mitra and one per client.</summary>
public readonly record struct Recipient(RecipientKind Kind, Guid Id)
{
    public static Recipient Mitra(Guid id) => new(RecipientKind.Mitra, id);

    public static Recipient Client(Guid id) => new(RecipientKind.Client, id);
}

public enum RecipientKind
{
    Mitra,
    Client,
}

/// <summary>
/// Delivers an event to a recipient's stream, whichever instance serves it, and keeps it for
/// replay with Last-Event-ID (implemented on Valkey). Only events of the catalogue
/// (<see cref="AppEvents"/>) can be sent.
/// </summary>
public interface IRealtime
{
    Task PublishAsync<TEvent>(Recipient recipient, TEvent data, CancellationToken ct = default)
        where TEvent : IAppEvent;

    /// <summary>
    /// The same event to many recipients at once (a pairing offered to every available mitra):
    /// serialised once and sent in one batch, so fan-out costs one round trip, not one per recipient.
    /// </summary>
    Task PublishToAllAsync<TEvent>(IEnumerable<Recipient> recipients, TEvent data, CancellationToken ct = default)
        where TEvent : IAppEvent;

    /// <summary>Ends every open stream of the recipient, after what was published before this call.</summary>
    Task CloseStreamsAsync(Recipient recipient, CancellationToken ct = default);

    /// <summary>
    /// An erasure: drops everything kept for replay to <paramref name="recipient"/>, and the events
    /// kept for <paramref name="others"/> that mention any of <paramref name="about"/> (the erased
    /// client's requests and sessions).
    /// </summary>
    Task ForgetAsync(Recipient recipient, IReadOnlyCollection<Recipient> others, IReadOnlyCollection<Guid> about, CancellationToken ct = default);
}
