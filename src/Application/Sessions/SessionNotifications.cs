using HaloBestie.Application.Conversation;
using HaloBestie.Application.Pairing;
using HaloBestie.Application.Realtime;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Sessions;
using HaloBestie.Domain.Settings;

namespace HaloBestie.Application.Sessions;

/// <summary>Session events of the catalogue (<see cref="AppEvents"/>), sent after the change commits.</summary>
/// <remarks>
/// Each change's system messages (<paramref name="messages"/> of each method) reach both parties
/// as <c>message.created</c> before the change's own event.
/// </remarks>
public sealed class SessionNotifications(IRealtime realtime, ConversationNotifications conversation)
{
    public async Task EndedAsync(Session session, IEnumerable<MessageSent> messages, SessionEnded ended, CancellationToken ct)
    {
        await conversation.CreatedAsync(session, messages, ct);
        await realtime.PublishToAllAsync([Recipient.Client(session.ClientId), Recipient.Mitra(session.MitraId)],
            AppEvents.SessionEnded.Of(session), ct);
    }

    public async Task EndingSoonAsync(Session session, IEnumerable<MessageSent> messages, CancellationToken ct)
    {
        await conversation.CreatedAsync(session, messages, ct);
        await realtime.PublishToAllAsync([Recipient.Client(session.ClientId), Recipient.Mitra(session.MitraId)],
            new AppEvents.SessionEndingSoon(session.Id, session.EndsAt), ct);
    }

    /// <summary>
    /// The old mitra: ended (rerouted); the new one: started; the client: rerouted, with the new
    /// mitra; then the handover message to the client and the new mitra.
    /// </summary>
    public async Task ReroutedAsync(Session session, Guid fromMitraId, Mitra toMitra, Client? client, PlatformSettings settings, MessageSent handover, CancellationToken ct)
    {
        await Task.WhenAll(
            realtime.PublishAsync(Recipient.Mitra(fromMitraId), new AppEvents.SessionEnded(session.Id, SessionActors.Staff, SessionEndReasons.Rerouted, SessionEndReasons.Rerouted, null), ct),
            realtime.PublishAsync(Recipient.Mitra(toMitra.Id), new AppEvents.SessionStarted(session.Id,
                client is null ? new PairingNotifications.ClientShown(ClientAlias.Of(session.ClientId)) : PairingNotifications.ClientShownOf(client, settings)), ct),
            realtime.PublishAsync(Recipient.Client(session.ClientId), new AppEvents.SessionRerouted(session.Id, PairingNotifications.MitraShownOf(toMitra, settings)), ct));
        await conversation.CreatedAsync(session, [handover], ct);
    }
}
