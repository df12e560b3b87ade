using HaloBestie.Application.Pairing;
using HaloBestie.Application.Realtime;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Sessions;
using Marten;

namespace HaloBestie.Application.Sessions;

/// <summary>Session events of API.md, sent after the change commits.</summary>
public sealed class SessionNotifications(IRealtime realtime)
{
    public const string Started = "session.started";
    public const string Ended = "session.ended";
    public const string EndingSoon = "session.ending-soon";
    public const string Rerouted = "session.rerouted";

    public Task EndedAsync(Session session, string endedBy, string reason, CancellationToken ct)
    {
        var data = new { sessionId = session.Id, endedBy, reason };
        return Task.WhenAll(
            realtime.PublishAsync(Recipient.Client(session.ClientId), Ended, data, ct),
            realtime.PublishAsync(Recipient.Mitra(session.MitraId), Ended, data, ct));
    }

    public Task EndingSoonAsync(Session session, CancellationToken ct)
    {
        var data = new { sessionId = session.Id, endsAt = session.EndsAt };
        return Task.WhenAll(
            realtime.PublishAsync(Recipient.Client(session.ClientId), EndingSoon, data, ct),
            realtime.PublishAsync(Recipient.Mitra(session.MitraId), EndingSoon, data, ct));
    }

    /// <summary>The old mitra: ended (rerouted); the new one: started; the client: rerouted, with the new mitra.</summary>
    public async Task ReroutedAsync(IQuerySession query, Session session, Guid fromMitraId, Mitra toMitra, CancellationToken ct)
    {
        var client = await PairingNotifications.ClientShownAsync(query, session.ClientId, ct);
        var mitra = await PairingNotifications.MitraShownAsync(query, toMitra, ct);
        await Task.WhenAll(
            realtime.PublishAsync(Recipient.Mitra(fromMitraId), Ended, new { sessionId = session.Id, endedBy = SessionActors.Staff, reason = SessionEndReasons.Rerouted }, ct),
            realtime.PublishAsync(Recipient.Mitra(toMitra.Id), Started, new { sessionId = session.Id, client }, ct),
            realtime.PublishAsync(Recipient.Client(session.ClientId), Rerouted, new { sessionId = session.Id, mitra }, ct));
    }
}
