using HaloBestie.Application.Audit;
using HaloBestie.Application.Common;
using HaloBestie.Application.Pairing;
using HaloBestie.Application.Payments;
using HaloBestie.Application.Push;
using HaloBestie.Application.Realtime;
using HaloBestie.Application.Sessions;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Devices;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Payments;
using HaloBestie.Domain.Push;
using HaloBestie.Domain.Sessions;
using Marten;
using Marten.Patching;
using Microsoft.Extensions.Logging;

namespace HaloBestie.Application.DataRights;

/// <summary>
/// A Firebase account whose client was erased, remembered only as a keyed hash of its UID
/// (<see cref="IAccountHasher"/>): signing in again starts a new client, without a second trial.
/// </summary>
public sealed record ErasedAccount(string Id, DateTimeOffset ErasedAt);

/// <summary>The keyed hash (HMAC) of a Firebase UID kept for an erased account; the key lives in configuration, never in the database.</summary>
public interface IAccountHasher
{
    string Hash(string firebaseUid);
}

/// <summary>
/// Erasing a client (PRODUCT.md §11), in two steps (ADR 0029):
/// <list type="number">
/// <item>One transaction, holding the client's stream with its row lock (as a pairing request
/// does, so no request can be created beside it; an accept and a payment's callback, which append
/// to that stream, lock it too before writing anything, so they commit before or decide again
/// after, never deadlock): the searching request cancelled, the active session ended as a
/// client end (the mitra is told), <see cref="ClientErased"/> (the client record loses every
/// personal field), <see cref="ConversationErased"/> on each of its sessions, the read models
/// stripped (message texts, request notes, rating comments, end words, invoice addresses, stored
/// webhook bodies), its installations and queued pushes deleted, the keyed hash of its Firebase UID
/// kept, and one audit entry saying that an erasure happened.</item>
/// <item>After the commit, <see cref="MaskEventsAsync"/>: the personal fields inside the stored
/// events of its client, request, session and payment streams are masked by the event store's
/// masking rules, its Valkey replay buffers forgotten, then <see cref="ClientEventsMasked"/>.
/// If this step fails (a restart, Valkey down) the data-rights worker repeats it: every part of
/// it can run twice.</item>
/// </list>
/// </summary>
public sealed partial class AccountErasure(
    StreamWrites writes,
    IDocumentStore store,
    IAccountHasher hasher,
    SessionLifecycle lifecycle,
    PairingNotifications pairingNotify,
    PushOutbox outbox,
    IRealtime realtime,
    TimeProvider clock,
    ILogger<AccountErasure> logger)
{
    /// <summary>Who the audit entry names: the client itself, not a staff member.</summary>
    public const string SelfServiceActor = "client (self-service)";

    public async Task EraseAsync(Guid clientId, string firebaseUid, CancellationToken ct)
    {
        var (cancelled, ending) = await writes.RunAsync<(Cancelled?, SessionLifecycle.Ending?)>("EraseClient", async session =>
        {
            await session.BeginTransactionAsync(ct);
            var clientStream = await session.Events.FetchForExclusiveWriting<Client>(clientId, ct);
            var client = clientStream.Aggregate ?? throw new Domain.NotFoundException("Client", clientId);
            var now = clock.GetUtcNow();
            var erased = ClientErasure.Erase(client, now);
            if (erased.Count == 0)
                return (null, null);

            // Every read model the erasure changes is changed by an event of its own stream: the
            // inline projections write it in this transaction, and a concurrent write to the same
            // stream (an accept, a webhook) conflicts and decides again instead of writing back.
            Cancelled? cancelled = null;
            var requests = await session.Query<PairingRequest>().Where(r => r.ClientId == clientId).Select(r => r.Id).ToListAsync(ct);
            foreach (var requestId in requests)
            {
                var requestStream = await session.Events.FetchForWriting<PairingRequest>(requestId, ct);
                var request = requestStream.Aggregate!;
                if (request.Status == PairingStatus.Searching)
                {
                    var cancel = PairingDecisions.Cancel(request, PairingReasons.ClientDeleted, now);
                    requestStream.AppendOne(cancel);
                    outbox.Enqueue(session, PushDecisions.OnCancel(request, now));
                    cancelled = new Cancelled(request, cancel);
                }
                requestStream.AppendMany(ClientErasure.EraseRequest(request, now));
            }
            var payments = await session.Query<Payment>().Where(p => p.ClientId == clientId).Select(p => p.Id).ToListAsync(ct);
            foreach (var paymentId in payments)
            {
                var paymentStream = await session.Events.FetchForWriting<Payment>(paymentId, ct);
                paymentStream.AppendMany(ClientErasure.ErasePayment(paymentStream.Aggregate!, now));
            }
            StripWebhooks(session, payments);

            SessionLifecycle.Ending? ending = null;
            var sessions = await session.Query<Session>().Where(s => s.ClientId == clientId).ToListAsync(ct);
            foreach (var listed in sessions)
            {
                // An active session is decided on once its lock is held: an end that committed while
                // the erasure waited for it (the mitra's, staff's, time-up) leaves it ended, not to be ended twice.
                var stream = listed.Status == SessionStatus.Active
                    ? await session.Events.FetchForExclusiveWriting<Session>(listed.Id, ct)
                    : await session.Events.FetchForWriting<Session>(listed.Id, ct);
                var current = stream.Aggregate!;
                if (current.Status == SessionStatus.Active)
                {
                    ending = await lifecycle.AppendEndAsync(session, stream, SessionActors.Client, clientId, SessionEndReasons.EndedByClient, null, ct);
                    current = ending.Before.Apply(ending.Closing).Apply(ending.Ended);
                }
                stream.AppendMany(ConversationErasure.Erase(current, ConversationErasureReasons.ClientDeleted, now));
            }

            clientStream.AppendMany(erased);
            StripConversations(session, [.. sessions.Select(s => s.Id)]);
            session.Store(new ErasedAccount(hasher.Hash(firebaseUid), now));
            session.DeleteWhere<Device>(d => d.OwnerId == clientId && d.OwnerKind == DeviceOwners.Client);
            PushOutbox.Forget(session, DeviceOwners.Client, clientId);
            // That an erasure happened, never what was erased.
            session.Store(new AuditEntry(Guid.CreateVersion7(), Guid.Empty, SelfServiceActor, "client.erased", "client", clientId.ToString(), null, now));
            return (cancelled, ending);
        }, ct);

        if (cancelled is not null)
        {
            ProductMetrics.PairingEnded(cancelled.Request, cancelled.Event);
            await pairingNotify.ClosedAsync(cancelled.Request, PairingClosedReasons.Cancelled, null, ct);
        }
        if (ending is not null)
            await lifecycle.AfterEndAsync(ending, ct);
        await realtime.CloseStreamsAsync(Recipient.Client(clientId), ct);

        try
        {
            await MaskEventsAsync(clientId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The account is erased in every read model; the worker finishes the event store.
            LogMaskingDeferred(logger, clientId, e.GetType().Name);
        }
    }

    /// <summary>
    /// Step 2: masks the stored events of everything the client's data is in, forgets its replay
    /// buffers, and records that it is done. Repeating it changes nothing more.
    /// </summary>
    public async Task MaskEventsAsync(Guid clientId, CancellationToken ct)
    {
        List<Guid> requests, payments;
        List<Session> sessions;
        await using (var query = store.QuerySession())
        {
            requests = [.. await query.Query<PairingRequest>().Where(r => r.ClientId == clientId).Select(r => r.Id).ToListAsync(ct)];
            sessions = [.. await query.Query<Session>().Where(s => s.ClientId == clientId).ToListAsync(ct)];
            payments = [.. await query.Query<Payment>().Where(p => p.ClientId == clientId).Select(p => p.Id).ToListAsync(ct)];
        }

        await store.Advanced.ApplyEventDataMasking(masking =>
        {
            masking.IncludeStream(clientId);
            foreach (var id in requests.Concat(sessions.Select(s => s.Id)).Concat(payments))
                masking.IncludeStream(id);
        }, ct);

        var mitras = sessions.SelectMany(s => (s.FormerMitras ?? []).Select(f => f.MitraId).Append(s.MitraId));
        await using (var query = store.QuerySession())
        {
            var offered = await query.Query<PairingRequest>().Where(r => r.ClientId == clientId).Select(r => r.OfferedTo).ToListAsync(ct);
            mitras = mitras.Concat(offered.SelectMany(o => o));
        }
        await realtime.ForgetAsync(Recipient.Client(clientId), [.. mitras.Distinct().Select(Recipient.Mitra)],
            [.. requests, .. sessions.Select(s => s.Id)], ct);

        await writes.RunAsync("ClientEventsMasked", async session =>
        {
            var stream = await session.Events.FetchForWriting<Client>(clientId, ct);
            stream.AppendMany(ClientErasure.EventsMasked(stream.Aggregate!, clock.GetUtcNow()));
        }, ct);
    }

    /// <summary>The conversation's read models of erased sessions: texts emptied and marked, as the masked events say.</summary>
    public static void StripConversations(IDocumentSession session, IReadOnlyCollection<Guid> sessionIds)
    {
        if (sessionIds.Count == 0)
            return;
        var ids = sessionIds.ToArray();
        session.Patch<SessionMessage>(m => m.SessionId.IsOneOf(ids) && m.Sender != MessageSenders.System)
            .Set(m => m.Text, "")
            .Set(m => m.Erased, true);
    }

    /// <summary>Callbacks stored before their bodies were reduced to the payment's fields may hold the payer's email.</summary>
    private static void StripWebhooks(IDocumentSession session, IReadOnlyCollection<Guid> payments)
    {
        if (payments.Count == 0)
            return;
        var externalIds = payments.Select(p => p.ToString()).ToArray();
        session.Patch<PaymentWebhook>(w => w.ExternalId.IsOneOf(externalIds)).Set(w => w.Body, "");
    }

    private sealed record Cancelled(PairingRequest Request, PairingCancelled Event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {ClientId} erased; masking its stored events failed ({Error}) and is left to the data-rights worker")]
    private static partial void LogMaskingDeferred(ILogger logger, Guid clientId, string error);
}
