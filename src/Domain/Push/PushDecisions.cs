using System.Globalization;
using HaloBestie.Domain.Devices;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Sessions;

namespace HaloBestie.Domain.Push;

/// <summary>What a phone shows in its notification shade: generic words, never what was said.</summary>
public sealed record PushNotice(string Title, string Body);

/// <summary>
/// One push to every installation of some accounts of one kind (PRODUCT.md §10), as it is queued
/// in the outbox with the change that causes it. <see cref="Data"/> travels as FCM data (string
/// values; the apps read <c>event</c> first); <see cref="Notice"/> is absent for a data-only push
/// (the withdrawal of an offer). Nothing is sent after <see cref="ExpiresAt"/>; FCM and APNs keep
/// it no longer either. <see cref="SkipWhileStreaming"/>: not sent to a client whose app has an
/// event stream open at the time of sending (it has the event already).
/// </summary>
public sealed record PushWork(
    string Event,
    string OwnerKind,
    IReadOnlyList<Guid> OwnerIds,
    IReadOnlyDictionary<string, string> Data,
    PushNotice? Notice,
    bool HighPriority,
    string CollapseKey,
    DateTimeOffset ExpiresAt,
    bool SkipWhileStreaming);

/// <summary>
/// Which pushes each change causes, and what they carry (docs/push.md is the apps' view of it).
/// Texts are Bahasa Indonesia, the apps' language, and generic on purpose: a lock screen can be
/// read by anyone holding the phone.
/// </summary>
public static class PushDecisions
{
    public static class Events
    {
        public const string PairingOffered = "pairing.offered";
        public const string PairingClosed = "pairing.closed";
        public const string PairingMatched = "pairing.matched";
        public const string PairingExpired = "pairing.expired";
        public const string SessionEndingSoon = "session.ending-soon";
        public const string SessionEnded = "session.ended";
        public const string MessageCreated = "message.created";
    }

    /// <summary>How long a push about something that has no deadline of its own may still be delivered.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    /// <summary>A withdrawal stays deliverable a little past the offer's own expiry (the app drops the offer at <c>expiresAt</c> anyway).</summary>
    public static readonly TimeSpan WithdrawalGrace = TimeSpan.FromMinutes(1);

    public static readonly PushNotice OfferNotice = new("Ada yang ingin bercerita", "Buka Halo Bestie untuk menerima permintaan curhat.");
    public static readonly PushNotice MatchedNotice = new("Bestie-mu sudah siap", "Ketuk untuk mulai bercerita.");
    public static readonly PushNotice ExpiredNotice = new("Belum ada bestie yang tersedia", "Coba lagi sebentar lagi, ya.");
    public static readonly PushNotice EndingSoonNotice = new("Sesi hampir selesai", "Sisa waktu sesimu 5 menit lagi.");
    public static readonly PushNotice EndedNotice = new("Sesi sudah selesai", "Terima kasih sudah bercerita hari ini.");
    public static readonly PushNotice MessageNotice = new("Halo Bestie", "Pesan baru dari bestie-mu");

    /// <summary>The request offered to <paramref name="mitraIds"/>: a high-priority notification that lives as long as the offer and collapses by request.</summary>
    public static PushWork Offered(PairingRequest request, IReadOnlyList<Guid> mitraIds) =>
        new(Events.PairingOffered, DeviceOwners.Mitra, mitraIds,
            Data(Events.PairingOffered, ("requestId", Id(request.Id)), ("expiresAt", Time(request.ExpiresAt))),
            OfferNotice, HighPriority: true, Id(request.Id), request.ExpiresAt, SkipWhileStreaming: false);

    /// <summary>
    /// The request is closed for <paramref name="mitraIds"/> (taken, cancelled, expired): a data
    /// push with the offer's collapse key, so the phone withdraws the offer, and one still waiting
    /// at FCM is replaced rather than shown.
    /// </summary>
    public static PushWork Closed(PairingRequest request, IReadOnlyList<Guid> mitraIds, string reason, DateTimeOffset now) =>
        new(Events.PairingClosed, DeviceOwners.Mitra, mitraIds,
            Data(Events.PairingClosed, ("requestId", Id(request.Id)), ("reason", reason)),
            Notice: null, HighPriority: true, Id(request.Id), Later(request.ExpiresAt, now) + WithdrawalGrace, SkipWhileStreaming: false);

    public static PushWork Matched(PairingRequest request, Guid sessionId, DateTimeOffset sessionEndsAt) =>
        new(Events.PairingMatched, DeviceOwners.Client, [request.ClientId],
            Data(Events.PairingMatched, ("requestId", Id(request.Id)), ("sessionId", Id(sessionId))),
            MatchedNotice, HighPriority: true, Id(request.Id), sessionEndsAt, SkipWhileStreaming: true);

    public static PushWork Expired(PairingRequest request, string reason, DateTimeOffset now) =>
        new(Events.PairingExpired, DeviceOwners.Client, [request.ClientId],
            Data(Events.PairingExpired, ("requestId", Id(request.Id)), ("reason", reason)),
            ExpiredNotice, HighPriority: false, Id(request.Id), now + DefaultLifetime, SkipWhileStreaming: true);

    public static PushWork EndingSoon(Session session) =>
        new(Events.SessionEndingSoon, DeviceOwners.Client, [session.ClientId],
            Data(Events.SessionEndingSoon, ("sessionId", Id(session.Id)), ("endsAt", Time(session.EndsAt))),
            EndingSoonNotice, HighPriority: true, Id(session.Id), session.EndsAt, SkipWhileStreaming: true);

    /// <summary>The client is told its (now ended) session ended, unless the client ended it: its own app already knows.</summary>
    public static PushWork? Ended(Session session, DateTimeOffset now) =>
        session.EndReasonCode is not { } code || session.EndedBy == SessionActors.Client
            ? null
            : new(Events.SessionEnded, DeviceOwners.Client, [session.ClientId],
                Data(Events.SessionEnded, ("sessionId", Id(session.Id)), ("reasonCode", code)),
                EndedNotice, HighPriority: false, Id(session.Id), now + DefaultLifetime, SkipWhileStreaming: true);

    /// <summary>
    /// A message from the mitra reaches a client without an open stream as "new message", never
    /// the text; one per session at a time on the phone (the collapse key), for as long as the session runs.
    /// </summary>
    public static PushWork? MessageToClient(Session session, MessageSent message) =>
        message.Sender != MessageSenders.Mitra
            ? null
            : new(Events.MessageCreated, DeviceOwners.Client, [session.ClientId],
                Data(Events.MessageCreated, ("sessionId", Id(session.Id)), ("seq", message.Seq.ToString(CultureInfo.InvariantCulture))),
                MessageNotice, HighPriority: true, "messages:" + Id(session.Id), session.EndsAt, SkipWhileStreaming: true);

    /// <summary>A request expired (no bestie in time, or every offered mitra declined): the client is told, the mitras still holding the offer withdraw it.</summary>
    public static IReadOnlyList<PushWork> OnExpiry(PairingRequest request, string reason, DateTimeOffset now) =>
        [Expired(request, reason, now), Closed(request, StillOffered(request, except: null), PairingClosedReasons.Expired, now)];

    /// <summary>A request accepted: the client is told, every other mitra still holding the offer withdraws it.</summary>
    public static IReadOnlyList<PushWork> OnMatch(PairingRequest request, Guid mitraId, Guid sessionId, DateTimeOffset sessionEndsAt, DateTimeOffset now) =>
        [Matched(request, sessionId, sessionEndsAt), Closed(request, StillOffered(request, except: mitraId), PairingClosedReasons.Taken, now)];

    /// <summary>A request cancelled (by the client, its suspension, or an accept it could no longer pay for): the mitras withdraw it.</summary>
    public static PushWork OnCancel(PairingRequest request, DateTimeOffset now) =>
        Closed(request, StillOffered(request, except: null), PairingClosedReasons.Cancelled, now);

    /// <summary>
    /// A mitra declined the request on one of its phones: its other phones withdraw the offer too
    /// (and any offer push still queued for it is not sent).
    /// </summary>
    public static PushWork OnDecline(PairingRequest request, Guid mitraId, DateTimeOffset now) =>
        Closed(request, [mitraId], PairingClosedReasons.Declined, now);

    /// <summary>The mitras who were offered the request and did not decline it.</summary>
    private static List<Guid> StillOffered(PairingRequest request, Guid? except) =>
        request.OfferedTo.Where(id => id != except && !request.DeclinedBy.Contains(id)).ToList();

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => new(Math.Max(a.UtcTicks, b.UtcTicks), TimeSpan.Zero);

    private static string Id(Guid id) => id.ToString(); // "D": 32 hex digits in groups, lower case

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Data(string @event, params (string Key, string Value)[] fields)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal) { ["event"] = @event };
        foreach (var (key, value) in fields)
            data[key] = value;
        return data;
    }
}
