using HaloBestie.Application.Realtime;
using HaloBestie.Application.Settings;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Settings;
using Marten;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// What each party is told about a pairing request (API.md real-time events), with the anonymity
/// settings applied: a mitra sees the client's display name or its alias, a client sees the
/// mitra's full name or public alias. Sent after the change commits; a party that misses one
/// reads the same state from the query routes.
/// </summary>
public sealed class PairingNotifications(IRealtime realtime)
{
    public const string Offered = "pairing.offered";
    public const string Closed = "pairing.closed";
    public const string Matched = "pairing.matched";
    public const string Expired = "pairing.expired";
    public const string SessionStarted = "session.started";

    public sealed record ClientShown(string Alias);

    public sealed record MitraShown(Guid Id, string DisplayName, string? Bio);

    public sealed record OfferedData(Guid RequestId, ClientShown Client, string? Topic, string? Note, DateTimeOffset ExpiresAt);

    public static async Task<OfferedData> OfferOfAsync(IQuerySession session, PairingRequest request, CancellationToken ct) =>
        new(request.Id, await ClientShownAsync(session, request.ClientId, ct), request.Topic, request.Note, request.ExpiresAt);

    /// <summary>The client's display name or alias, as the anonymity settings say a mitra may see it.</summary>
    public static async Task<ClientShown> ClientShownAsync(IQuerySession session, Guid clientId, CancellationToken ct)
    {
        var client = await session.LoadAsync<Client>(clientId, ct);
        var settings = await session.LoadSettingsAsync(ct);
        return new ClientShown(client is null ? ClientAlias.Of(clientId) : settings.Anonymity.ClientNameForMitra(client));
    }

    public static async Task<MitraShown> MitraShownAsync(IQuerySession session, Mitra mitra, CancellationToken ct)
    {
        var settings = await session.LoadSettingsAsync(ct);
        return new MitraShown(mitra.Id, settings.Anonymity.MitraNameForClient(mitra), mitra.Bio);
    }

    public async Task OfferAsync(IQuerySession session, PairingRequest request, IEnumerable<Guid> mitraIds, CancellationToken ct) =>
        await OfferAsync(request, await ClientShownAsync(session, request.ClientId, ct), mitraIds, ct);

    /// <summary>Offers the request to the mitras when the caller already has the client and settings at hand.</summary>
    public Task OfferAsync(PairingRequest request, Client client, PlatformSettings settings, IEnumerable<Guid> mitraIds, CancellationToken ct) =>
        OfferAsync(request, new ClientShown(settings.Anonymity.ClientNameForMitra(client)), mitraIds, ct);

    private Task OfferAsync(PairingRequest request, ClientShown client, IEnumerable<Guid> mitraIds, CancellationToken ct) =>
        realtime.PublishToAllAsync(mitraIds.Select(Recipient.Mitra), Offered,
            new OfferedData(request.Id, client, request.Topic, request.Note, request.ExpiresAt), ct);

    /// <summary>Tells every offered mitra (but <paramref name="except"/>) that the request is closed.</summary>
    public Task CloseAsync(PairingRequest request, string reason, Guid? except, CancellationToken ct) =>
        realtime.PublishToAllAsync(request.OfferedTo.Where(id => id != except).Select(Recipient.Mitra), Closed, new { requestId = request.Id, reason }, ct);

    public async Task MatchedAsync(IQuerySession session, PairingRequest request, Mitra mitra, Guid sessionId, CancellationToken ct)
    {
        var shown = await MitraShownAsync(session, mitra, ct);
        var offer = await OfferOfAsync(session, request, ct);
        await Task.WhenAll(
            realtime.PublishAsync(Recipient.Client(request.ClientId), Matched, new { requestId = request.Id, sessionId, mitra = shown }, ct),
            realtime.PublishAsync(Recipient.Mitra(mitra.Id), SessionStarted, new { sessionId, client = offer.Client }, ct),
            CloseAsync(request, "taken", mitra.Id, ct));
    }

    public Task ExpiredAsync(PairingRequest request, CancellationToken ct) =>
        Task.WhenAll(
            realtime.PublishAsync(Recipient.Client(request.ClientId), Expired, new { requestId = request.Id }, ct),
            CloseAsync(request, "expired", null, ct));
}
