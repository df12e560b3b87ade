using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Application.Pairing;
using HaloBestie.Application.Push;
using HaloBestie.Application.Realtime;
using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Push;
using Marten;
using Mediator;

namespace HaloBestie.Application.Clients;

/// <summary>
/// A suspended client can still sign in and read its profile but cannot start pairings; its
/// searching request, if any, is cancelled in the same transaction (mitras are told), and its open
/// event streams are closed, so its apps reconnect and read the status.
/// Suspending a suspended client changes nothing (200, no event, no audit entry).
/// </summary>
public sealed record SuspendClient(Guid ClientId, string Reason) : ICommand<ClientDetails>
{
    public sealed record Body(string Reason);

    public sealed class Validator : AbstractValidator<SuspendClient>
    {
        public Validator() => RuleFor(x => x.Reason).NotEmpty().Must(r => !string.IsNullOrWhiteSpace(r)).WithErrorCode(ValidationCodes.Required).WithMessage("A reason is required.").MaximumLength(500);
    }

    public sealed class Handler(StreamWrites writes, Caller caller, PairingNotifications notify, PushOutbox outbox, Realtime.IRealtime realtime, TimeProvider clock) : ICommandHandler<SuspendClient, ClientDetails>
    {
        public async ValueTask<ClientDetails> Handle(SuspendClient command, CancellationToken cancellationToken)
        {
            var reason = command.Reason.Trim();
            var (client, events, searching, cancelled) = await writes.RunAsync(nameof(SuspendClient), async session =>
            {
                // The client's stream is locked first, as every write that touches it and another
                // stream does (a request, an accept, an erasure): they take turns, and the searching
                // request read below is the one that stays searching until this commits.
                var stream = await session.Events.FetchForExclusiveWriting<Client>(command.ClientId, cancellationToken);
                var client = stream.Aggregate ?? throw new NotFoundException("Client", command.ClientId);
                var now = clock.GetUtcNow();
                var events = ClientDecisions.Suspend(client, reason, caller.Staff.Id, now);
                if (events.Count == 0)
                    return (client, events, (PairingRequest?)null, (PairingCancelled?)null);

                stream.AppendMany(events);
                var searching = await session.Query<PairingRequest>()
                    .FirstOrDefaultAsync(r => r.ClientId == client.Id && r.Status == PairingStatus.Searching, cancellationToken);
                PairingCancelled? cancelled = null;
                if (searching is not null)
                {
                    var requestStream = await session.Events.FetchForWriting<PairingRequest>(searching.Id, cancellationToken);
                    searching = requestStream.Aggregate!;
                    cancelled = PairingDecisions.Cancel(searching, PairingReasons.ClientSuspended, now);
                    requestStream.AppendOne(cancelled);
                    outbox.Enqueue(session, PushDecisions.OnCancel(searching, now));
                }
                session.Audit(caller.Staff, "client.suspended", "client", client.Id, now, reason);
                return (client, events, searching, cancelled);
            }, cancellationToken);

            if (events.Count == 0)
                return ClientDetails.From(client);
            if (searching is not null)
            {
                ProductMetrics.PairingEnded(searching, cancelled!);
                await notify.ClosedAsync(searching, PairingClosedReasons.Cancelled, null, cancellationToken);
            }
            // Its apps reconnect at once and read the account's status (suspended) from the queries.
            await realtime.CloseStreamsAsync(Realtime.Recipient.Client(client.Id), cancellationToken);
            return ClientDetails.From(events.OfType<ClientSuspended>().Aggregate(client, (c, e) => c.Apply(e)));
        }
    }
}
