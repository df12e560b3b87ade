using HaloBestie.Application.Conversation;
using HaloBestie.Application.Realtime;
using HaloBestie.Application.Settings;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Sessions;
using HaloBestie.Domain.Settings;
using Marten;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// What each party is told about a pairing request (<see cref="AppEvents"/>), with the anonymity
/// settings applied: a mitra sees the client's display name or its alias, a client sees the
/// mitra's full name or public alias. Sent after the change commits, shaped from what the handler
/// already loaded; a party that misses one reads the same state from the query routes.
/// </summary>
public sealed class PairingNotifications(IRealtime realtime, ConversationNotifications conversation)
{
    public sealed record ClientShown(string Alias);

    public sealed record MitraShown(Guid Id, string DisplayName, string? Bio);

    public static ClientShown ClientShownOf(Client client, PlatformSettings settings) => new(settings.Anonymity.ClientNameForMitra(client));

    public static MitraShown MitraShownOf(Mitra mitra, PlatformSettings settings) => new(mitra.Id, settings.Anonymity.MitraNameForClient(mitra), mitra.Bio);

    /// <summary>The client as a mitra may see it, for readers that do not hold the client (a deleted one shows its alias).</summary>
    public static async Task<ClientShown> ClientShownAsync(IQuerySession session, Guid clientId, CancellationToken ct)
    {
        var client = await session.LoadAsync<Client>(clientId, ct);
        return client is null ? new ClientShown(ClientAlias.Of(clientId)) : ClientShownOf(client, await session.LoadSettingsAsync(ct));
    }

    public static async Task<MitraShown> MitraShownAsync(IQuerySession session, Mitra mitra, CancellationToken ct) =>
        MitraShownOf(mitra, await session.LoadSettingsAsync(ct));

    public static AppEvents.PairingOffered OfferOf(PairingRequest request, ClientShown client) =>
        new(request.Id, client, request.Topic, request.Note, request.ExpiresAt);

    public Task OfferedAsync(PairingRequest request, ClientShown client, IEnumerable<Guid> mitraIds, CancellationToken ct) =>
        realtime.PublishToAllAsync(mitraIds.Select(Recipient.Mitra), OfferOf(request, client), ct);

    /// <summary>Tells every offered mitra (but <paramref name="except"/>) that the request is closed (<see cref="PairingClosedReasons"/>).</summary>
    public Task ClosedAsync(PairingRequest request, string reason, Guid? except, CancellationToken ct) =>
        realtime.PublishToAllAsync(request.OfferedTo.Where(id => id != except).Select(Recipient.Mitra), new AppEvents.PairingClosed(request.Id, reason), ct);

    /// <summary>
    /// The client learns who its bestie is, the mitra gets the session, every other offered mitra
    /// is told it is taken; then both parties get the conversation's opening message.
    /// </summary>
    public async Task MatchedAsync(PairingRequest request, Accepted accepted, Mitra mitra, Client client, PlatformSettings settings, CancellationToken ct)
    {
        var sessionId = accepted.Session.SessionId;
        await Task.WhenAll(
            realtime.PublishAsync(Recipient.Client(request.ClientId), new AppEvents.PairingMatched(request.Id, sessionId, MitraShownOf(mitra, settings)), ct),
            realtime.PublishAsync(Recipient.Mitra(mitra.Id), new AppEvents.SessionStarted(sessionId, ClientShownOf(client, settings)), ct),
            ClosedAsync(request, PairingClosedReasons.Taken, mitra.Id, ct));
        await conversation.CreatedAsync(Session.Create(accepted.Session), accepted.ForSession.OfType<MessageSent>(), ct);
    }

    public Task ExpiredAsync(PairingRequest request, CancellationToken ct) =>
        Task.WhenAll(
            realtime.PublishAsync(Recipient.Client(request.ClientId), new AppEvents.PairingExpired(request.Id), ct),
            ClosedAsync(request, PairingClosedReasons.Expired, null, ct));
}
