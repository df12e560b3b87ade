using FluentValidation;
using FluentValidation.Results;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Push;
using HaloBestie.Application.Settings;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Push;
using HaloBestie.Domain.Sessions;
using HaloBestie.Domain.Settings;
using Marten;
using Mediator;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// <c>POST /api/client/pairing-requests</c> — "Mulai Curhat". The rules and their order are
/// <see cref="PairingDecisions.Request(Client, OpenPairing, Guid, string?, string?, TimeSpan, DateTimeOffset)"/>.
/// The client's stream is held (a row lock, <c>FetchForExclusiveWriting</c>) while the handler reads
/// what the client has open and creates the request: a second tap waits for the first, and an accept
/// (which appends the spent credit to that stream) commits either before the reads or after the new
/// request — so a client never has a searching request beside an active session. The request is
/// offered at once to every available mitra, in the same transaction that creates it, and after the
/// commit to any mitra who became available meanwhile (<see cref="PairingTimers.OfferToLateComersAsync"/>).
/// </summary>
public sealed record RequestPairing(string? Topic, string? Note) : ICommand<RequestPairing.Result>
{
    public sealed record Result(Guid Id, PairingStatus Status, DateTimeOffset ExpiresAt);

    public sealed class Validator : AbstractValidator<RequestPairing>
    {
        public Validator()
        {
            RuleFor(x => x.Note).MaximumLength(PairingDecisions.MaxNoteLength);
            RuleFor(x => x.Topic).MaximumLength(100);
        }
    }

    public sealed class Handler(IDocumentSession session, Caller caller, PairingNotifications notify, PairingTimers pairing, PushOutbox outbox, TimeProvider clock)
        : ICommandHandler<RequestPairing, Result>
    {
        public async ValueTask<Result> Handle(RequestPairing command, CancellationToken cancellationToken)
        {
            // Two round trips before the write: who is calling, the settings and the available
            // mitras; then the client's row lock and, after it (so a request or an accept that
            // committed meanwhile is seen), what the client has open.
            var reads = session.CreateBatchQuery();
            var finding = caller.ClientIn(reads);
            var loadingSettings = reads.SettingsIn();
            var findingAvailable = AvailableMitras.AvailableMitraIdsIn(reads);
            await reads.Execute(cancellationToken);
            var clientId = (await finding()).Id;
            var settings = await loadingSettings();
            var topic = TopicOf(command.Topic, settings);
            var available = await findingAvailable(settings);

            var locked = session.CreateBatchQuery();
            var fetching = locked.Events.FetchForExclusiveWriting<Client>(clientId);
            var findingSession = locked.Query<Session>().Where(s => s.ClientId == clientId && s.Status == SessionStatus.Active).FirstOrDefault();
            var findingRequest = locked.Query<PairingRequest>().Where(r => r.ClientId == clientId && r.Status == PairingStatus.Searching).FirstOrDefault();
            await locked.Execute(cancellationToken);
            var client = (await fetching).Aggregate!;
            var open = new OpenPairing(SessionId: (await findingSession)?.Id, RequestId: (await findingRequest)?.Id);
            var now = clock.GetUtcNow();
            var requested = PairingDecisions.Request(client, open, Guid.CreateVersion7(), topic,
                string.IsNullOrWhiteSpace(command.Note) ? null : command.Note.Trim(), TimeSpan.FromSeconds(settings.PairingTimeoutSeconds), now);
            var request = PairingRequest.Create(requested);
            var offered = PairingDecisions.Offer(request, available, now);
            session.Events.StartStream<PairingRequest>(request.Id, [requested, .. offered]);
            if (offered.Count > 0)
                outbox.Enqueue(session, PushDecisions.Offered(request, ((PairingOffered)offered[0]).MitraIds));
            await session.SaveChangesAsync(cancellationToken);

            if (offered.Count > 0)
                await notify.OfferedAsync(request, PairingNotifications.ClientShownOf(client, settings), available, cancellationToken);
            await pairing.OfferToLateComersAsync(request.Id, [.. available], cancellationToken);
            return new Result(request.Id, request.Status, request.ExpiresAt);
        }

        /// <summary>One of the settings' topics, spelled as there (matched without case); none when blank.</summary>
        private static string? TopicOf(string? topic, PlatformSettings settings)
        {
            if (string.IsNullOrWhiteSpace(topic))
                return null;
            return settings.Topics.FirstOrDefault(t => string.Equals(t, topic.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new ValidationException([new ValidationFailure("topic", $"'Topic' must be one of: {string.Join(", ", settings.Topics)}.")]);
        }
    }
}
