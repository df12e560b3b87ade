using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Application.Push;
using HaloBestie.Application.Realtime;
using HaloBestie.Application.Settings;
using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Push;
using HaloBestie.Domain.Sessions;
using Mediator;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// <c>POST /api/mitra/pairing-requests/{id}/accept</c> — first come, first served; the rules and the
/// order of their problems are <see cref="PairingDecisions.Accept(PairingRequest, Mitra, Client, int, TimeSpan, Guid, DateTimeOffset)"/>.
/// One transaction appends the accept to the request's stream, the taken session to the mitra's
/// stream, the spent credit to the client's stream, and starts the session's stream, each at the
/// version it was read at (<see cref="StreamWrites"/> decides again when one moved). Concurrent
/// accepts of one request pass <see cref="AcceptGate"/>: one decides, the others wait for it and then
/// decide on what it left — the request taken (409 <c>already-taken</c>) or still open.
/// </summary>
public sealed record AcceptPairingRequest(Guid RequestId) : ICommand<AcceptPairingRequest.Result>
{
    public sealed record Result(Guid SessionId);

    public sealed class Handler(StreamWrites writes, Caller caller, PairingNotifications notify, PushOutbox outbox, TimeProvider clock)
        : ICommandHandler<AcceptPairingRequest, Result>
    {
        public async ValueTask<Result> Handle(AcceptPairingRequest command, CancellationToken cancellationToken)
        {
            var mitraId = await caller.MitraIdAsync(cancellationToken);
            var (request, mitra, client, settings, outcome) = await writes.RunAsync(nameof(AcceptPairingRequest), async session =>
            {
                await session.BeginTransactionAsync(cancellationToken);
                var mitra = await session.Events.FetchForWriting<Mitra>(mitraId, cancellationToken); // before the gate: read while others decide
                if (!await AcceptGate.EnterOrWaitAsync(session, command.RequestId, cancellationToken))
                    ProductMetrics.AcceptConflict(); // another accept of it decided meanwhile: decide on what it left
                var request = await session.Events.FetchForWriting<PairingRequest>(command.RequestId, cancellationToken);
                var clientId = request.Aggregate?.ClientId ?? throw new NotFoundException("Pairing request", command.RequestId);
                _ = PairingDecisions.FirstAcceptChecks(request.Aggregate, mitra.Aggregate!, clock.GetUtcNow()); // a loser learns it here
                // Locked before anything is written, as an erasure and a payment's callback lock it: a
                // write of the client's streams waits here holding no row, instead of deadlocking.
                var client = await session.Events.FetchForExclusiveWriting<Client>(clientId, cancellationToken);
                var settings = await session.LoadSettingsAsync(cancellationToken);
                var outcome = PairingDecisions.Accept(request.Aggregate, mitra.Aggregate!, client.Aggregate!, settings.MaxCustomersPerMitra,
                    TimeSpan.FromMinutes(settings.SessionDurationMinutes), Guid.CreateVersion7(), clock.GetUtcNow());
                request.AppendMany(outcome.ForRequest);
                mitra.AppendMany(outcome.ForMitra);
                client.AppendMany(outcome.ForClient);
                if (outcome is Accepted accepted)
                {
                    session.Events.StartStream<Session>(accepted.Session.SessionId, accepted.ForSession);
                    outbox.Enqueue(session, PushDecisions.OnMatch(request.Aggregate, mitraId, accepted.Session.SessionId, accepted.Session.EndsAt, clock.GetUtcNow()));
                }
                else if (outcome is AcceptClosesRequest)
                    outbox.Enqueue(session, PushDecisions.OnCancel(request.Aggregate, clock.GetUtcNow()));
                return (request.Aggregate, mitra.Aggregate!, client.Aggregate!, settings, outcome);
            }, cancellationToken);

            switch (outcome)
            {
                case AcceptClosesRequest closed:
                    ProductMetrics.PairingEnded(request, closed.Cancelled);
                    await notify.ClosedAsync(request, PairingClosedReasons.Cancelled, except: null, cancellationToken);
                    throw new DomainException(ProblemNames.RequestClosed, "The client can no longer pay for a session; the request is closed.");
                case Accepted { Request: var matched } accepted:
                    ProductMetrics.PairingEnded(request, matched);
                    await notify.MatchedAsync(request.Apply(matched), accepted, mitra, client, settings, cancellationToken);
                    return new Result(matched.SessionId);
                default:
                    return new Result(((AlreadyAccepted)outcome).SessionId); // a retry of the accept that won: nothing new to tell
            }
        }
    }
}
