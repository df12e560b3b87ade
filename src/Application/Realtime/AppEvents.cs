using HaloBestie.Domain.Pairing;
using System.ComponentModel.DataAnnotations;
using HaloBestie.Application.Conversation;
using HaloBestie.Application.Pairing;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Sessions;

namespace HaloBestie.Application.Realtime;

/// <summary>
/// An event of an app's stream (API.md "real-time events"): the record is its data, serialised as
/// JSON in camelCase, and <see cref="Name"/> its <c>event:</c> name. Only these records can be
/// published (<see cref="IRealtime"/>), so a name is written once, here.
/// </summary>
public interface IAppEvent
{
    static abstract string Name { get; }
}

/// <summary>
/// The catalogue of app events, one record each, as API.md lists them; docs/realtime.md describes
/// them for the app developers.
/// </summary>
public static class AppEvents
{
    /// <summary>Every event of the catalogue with its <c>event:</c> name (the OpenAPI document lists their data as named schemas).</summary>
    public static IReadOnlyList<(Type Type, string Name)> All { get; } =
    [
        .. typeof(AppEvents).GetNestedTypes()
            .Where(t => t.IsAssignableTo(typeof(IAppEvent)))
            .Select(t => (t, (string)t.GetProperty(nameof(IAppEvent.Name), System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)!.GetValue(null)!))
            .OrderBy(e => e.Item2, StringComparer.Ordinal),
    ];

    /// <summary>To each available mitra: a client is looking for a bestie.</summary>
    public sealed record PairingOffered(Guid RequestId, PairingNotifications.ClientShown Client, string? Topic, string? Note, DateTimeOffset ExpiresAt) : IAppEvent
    {
        public static string Name => "pairing.offered";
    }

    /// <summary>To the offered mitras: the request is no longer open (<see cref="PairingClosedReasons"/>).</summary>
    public sealed record PairingClosed(Guid RequestId, [property: AllowedValues(PairingClosedReasons.Taken, PairingClosedReasons.Cancelled, PairingClosedReasons.Expired)] string Reason) : IAppEvent
    {
        public static string Name => "pairing.closed";
    }

    /// <summary>To the client: a mitra accepted.</summary>
    public sealed record PairingMatched(Guid RequestId, Guid SessionId, PairingNotifications.MitraShown Mitra) : IAppEvent
    {
        public static string Name => "pairing.matched";
    }

    /// <summary>To the client: nobody accepted in time, or every offered mitra declined.</summary>
    public sealed record PairingExpired(Guid RequestId) : IAppEvent
    {
        public static string Name => "pairing.expired";
    }

    /// <summary>To the mitra: a session is its own, after its accept or a reroute to it.</summary>
    public sealed record SessionStarted(Guid SessionId, PairingNotifications.ClientShown Client) : IAppEvent
    {
        public static string Name => "session.started";
    }

    /// <summary>To both parties (to a mitra also when its session was rerouted away).</summary>
    /// <param name="Reason">Kept for apps written before <paramref name="ReasonCode"/>: the message when there is one, else the code.</param>
    /// <param name="ReasonCode">Why it ended; branch on this.</param>
    /// <param name="Message">Words written for the parties to read (the ending party's, or staff's), or null.</param>
    public sealed record SessionEnded(
        Guid SessionId,
        [property: AllowedValues(SessionActors.Client, SessionActors.Mitra, SessionActors.Staff, SessionActors.System)] string EndedBy,
        string Reason,
        [property: AllowedValues(SessionEndReasons.EndedByClient, SessionEndReasons.EndedByMitra, SessionEndReasons.EndedByStaff, SessionEndReasons.TimeUp, SessionEndReasons.Rerouted)] string ReasonCode,
        string? Message) : IAppEvent
    {
        public static string Name => "session.ended";

        public static SessionEnded Of(Session session) =>
            new(session.Id, session.EndedBy!, session.EndMessage ?? session.EndReasonCode!, session.EndReasonCode!, session.EndMessage);
    }

    /// <summary>To both parties, at the warning before time-up.</summary>
    public sealed record SessionEndingSoon(Guid SessionId, DateTimeOffset EndsAt) : IAppEvent
    {
        public static string Name => "session.ending-soon";
    }

    /// <summary>To the client: staff gave its session to another mitra.</summary>
    public sealed record SessionRerouted(Guid SessionId, PairingNotifications.MitraShown Mitra) : IAppEvent
    {
        public static string Name => "session.rerouted";
    }

    /// <summary>To every device of a mitra that went offline, whatever the reason (one device's <c>manual</c> or <c>app-closed</c> included).</summary>
    public sealed record PresenceOffline(
        [property: AllowedValues(OfflineReasons.Manual, OfflineReasons.HeartbeatTimeout, OfflineReasons.BackgroundTimeout, OfflineReasons.AppClosed, OfflineReasons.ForcedByStaff, OfflineReasons.Deactivated)] string Reason) : IAppEvent
    {
        public static string Name => "presence.offline";
    }

    /// <summary>To both parties (every device of each): a message of the session, the system's included, in <c>seq</c> order.</summary>
    public sealed record MessageCreated(Guid SessionId, MessageView Message) : IAppEvent
    {
        public static string Name => "message.created";
    }

    /// <summary>To both parties: <paramref name="Reader"/> (<c>client</c> or <c>mitra</c>) has read up to <paramref name="UpToSeq"/>.</summary>
    public sealed record MessageRead(Guid SessionId, [property: AllowedValues(MessageSenders.Client, MessageSenders.Mitra)] string Reader, long UpToSeq) : IAppEvent
    {
        public static string Name => "message.read";
    }

    /// <summary>To the other party: <paramref name="Sender"/> is typing (at most once every 3 s per sender).</summary>
    public sealed record MessageTyping(Guid SessionId, [property: AllowedValues(MessageSenders.Client, MessageSenders.Mitra)] string Sender) : IAppEvent
    {
        public static string Name => "message.typing";
    }

    /// <summary>To the session's mitra: a client message (<paramref name="Seq"/>) matched a risk phrase; <paramref name="Resources"/> are the crisis resources of the settings.</summary>
    public sealed record RiskFlagged(Guid SessionId, Guid FlagId, long Seq, IReadOnlyList<string> Resources) : IAppEvent
    {
        public static string Name => "risk.flagged";
    }

    /// <summary>To the client: a payment was credited.</summary>
    public sealed record PaymentPaid(Guid PaymentId, int Sessions, long AmountIdr) : IAppEvent
    {
        public static string Name => "payment.paid";
    }
}
