using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Application.Presence;
using HaloBestie.Application.Settings;
using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Sessions;
using JasperFx;
using Marten;
using Mediator;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// <c>POST /api/mitra/pairing-requests/{id}/accept</c> — first come, first served. One transaction
/// appends the accept to the request's stream, the taken session to the mitra's stream, the spent
/// credit to the client's stream, and starts the session's stream, each at the version it was read
/// at. Concurrent accepts of one request pass <see cref="AcceptGate"/>: one decides, the others wait
/// for it and then find the request taken (409 <c>already-taken</c>), or try again if it was not
/// taken. A mitra accepting several requests at once is kept within capacity by the version check
/// on its stream (409 <c>capacity-full</c>). An offline mitra gets 403.
/// </summary>
public sealed record AcceptPairingRequest(Guid RequestId) : ICommand<AcceptPairingRequest.Result>
{
    private const int MaxAttempts = 8;

    public sealed record Result(Guid SessionId);

    public sealed class Handler(IDocumentStore store, IQuerySession reader, IFirebaseCaller caller, MitraIdentities identities, PairingNotifications notify, TimeProvider clock)
        : ICommandHandler<AcceptPairingRequest, Result>
    {
        public async ValueTask<Result> Handle(AcceptPairingRequest command, CancellationToken cancellationToken)
        {
            // Who the caller is comes from memory (the binding never changes); whether it is active
            // is read from its stream below, by the accept that decides.
            var mitraId = await identities.MitraIdOfAsync(caller, reader, cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                await using var session = store.LightweightSession();
                await session.BeginTransactionAsync(cancellationToken);
                if (!await AcceptGate.EnterOrWaitAsync(session, command.RequestId, cancellationToken))
                {
                    // Another accept of this request decided while we waited: read what it did.
                    ProductMetrics.AcceptConflict();
                    var decided = await session.LoadAsync<PairingRequest>(command.RequestId, cancellationToken)
                        ?? throw new NotFoundException("Pairing request", command.RequestId);
                    PairingDecisions.EnsureOpen(decided, clock.GetUtcNow()); // taken or closed: 409 here
                    if (attempt >= MaxAttempts)
                        throw new DomainException(ProblemNames.Conflict, "Many mitras are accepting this request at once; try again.");
                    continue; // the other accept did not take it (its mitra was full or offline): try again
                }

                var requestStream = await session.Events.FetchForWriting<PairingRequest>(command.RequestId, cancellationToken);
                var request = requestStream.Aggregate ?? throw new NotFoundException("Pairing request", command.RequestId);
                var mitraStream = await session.Events.FetchForWriting<Mitra>(mitraId, cancellationToken);
                var mitra = mitraStream.Aggregate!;
                var settings = await session.LoadSettingsAsync(cancellationToken);
                var now = clock.GetUtcNow();

                if (!mitra.IsActive)
                    throw new DomainException(ProblemNames.MitraInactive, "This mitra account is inactive; contact the control center.");
                if (!mitra.IsOnline)
                    throw new DomainException(ProblemNames.Forbidden, "Go online before accepting requests.");
                var sessionId = Guid.CreateVersion7();
                var accepted = PairingDecisions.Accept(request, mitraId, sessionId, now);
                var taken = MitraDecisions.TakeSession(mitra, sessionId, settings.MaxCustomersPerMitra, now);
                var clientStream = await session.Events.FetchForWriting<Client>(request.ClientId, cancellationToken);
                if (!clientStream.Aggregate!.HasSessionToSpend)
                {
                    // Spent since the request was made: the request closes; nobody gets a session.
                    // (Or a concurrent accept just won and spent it: then the retry answers already-taken.)
                    var cancelled = PairingDecisions.Cancel(request, PairingReasons.PaymentRequired, now);
                    requestStream.AppendOne(cancelled);
                    try
                    {
                        await session.SaveChangesAsync(cancellationToken);
                    }
                    catch (Exception e) when (WriteConflicts.IsConflict(e) && attempt < MaxAttempts)
                    {
                        ProductMetrics.AcceptConflict();
                        continue;
                    }
                    ProductMetrics.PairingEnded(request, cancelled);
                    await notify.CloseAsync(request, "cancelled", null, cancellationToken);
                    throw new DomainException(ProblemNames.RequestClosed, "The client can no longer pay for a session; the request is closed.");
                }
                var consumed = ClientDecisions.Consume(clientStream.Aggregate, sessionId, now);

                requestStream.AppendOne(accepted);
                mitraStream.AppendOne(taken);
                clientStream.AppendOne(consumed);
                session.Events.StartStream<Session>(sessionId,
                    SessionDecisions.Start(sessionId, request.Id, request.ClientId, mitraId, TimeSpan.FromMinutes(settings.SessionDurationMinutes), consumed.Kind, now));
                try
                {
                    await session.SaveChangesAsync(cancellationToken);
                }
                catch (Exception e) when (WriteConflicts.IsConflict(e) && attempt < MaxAttempts)
                {
                    ProductMetrics.AcceptConflict();
                    continue; // someone else moved one of the streams: decide again on what is there now
                }

                ProductMetrics.PairingEnded(request, accepted);
                await notify.MatchedAsync(session, request.Apply(accepted), mitra, sessionId, cancellationToken);
                return new Result(sessionId);
            }
        }
    }
}
