using FluentValidation;
using FluentValidation.Results;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Application.Settings;
using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Sessions;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Mediator;

namespace HaloBestie.Application.Pairing;

/// <summary>
/// <c>POST /api/client/pairing-requests</c> — "Mulai Curhat". Guests get 403
/// <c>registration-required</c>, suspended clients 403 <c>suspended</c>, clients without a trial
/// session or credit 403 <c>payment-required</c>; a client with a searching
/// request or an active session gets 409 <c>already-searching</c> / <c>already-in-session</c>, also
/// when it taps twice at once (the unique index on the searching client decides). The request is
/// offered at once to every available mitra, in the same transaction that creates it, and after
/// the commit to any mitra who became available meanwhile (<see cref="PairingTimers.OfferToLateComersAsync"/>).
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

    public sealed class Handler(IDocumentSession session, IDocumentStore store, IFirebaseCaller caller, PairingNotifications notify, PairingTimers pairing, TimeProvider clock)
        : ICommandHandler<RequestPairing, Result>
    {
        public async ValueTask<Result> Handle(RequestPairing command, CancellationToken cancellationToken)
        {
            var client = await session.RequireClientAsync(caller, cancellationToken);
            if (!client.IsRegistered)
                throw new DomainException(ProblemNames.RegistrationRequired, "Link Google, Apple or a phone number before starting a conversation.");
            if (client.Status == ClientStatus.Suspended)
                throw new DomainException(ProblemNames.Suspended, "This account is suspended.");

            var settings = await session.LoadSettingsAsync(cancellationToken);
            var topic = string.IsNullOrWhiteSpace(command.Topic) ? null : command.Topic.Trim();
            if (topic is not null && !settings.Topics.Contains(topic, StringComparer.OrdinalIgnoreCase))
                throw new ValidationException([new ValidationFailure("topic", $"'Topic' must be one of: {string.Join(", ", settings.Topics)}.")]);
            topic = topic is null ? null : settings.Topics.First(t => string.Equals(t, topic, StringComparison.OrdinalIgnoreCase));
            var note = string.IsNullOrWhiteSpace(command.Note) ? null : command.Note.Trim();

            await EnsureFreeAsync(session, client.Id, cancellationToken);
            ClientDecisions.EnsureCanPay(client);

            var now = clock.GetUtcNow();
            var requested = PairingDecisions.Request(Guid.CreateVersion7(), client.Id, topic, note, TimeSpan.FromSeconds(settings.PairingTimeoutSeconds), now);
            var request = PairingRequest.Create(requested);
            var available = await session.AvailableMitraIdsAsync(settings, cancellationToken);
            var offered = PairingDecisions.Offer(request, available, now);
            session.Events.StartStream<PairingRequest>(request.Id, [requested, .. offered]);
            try
            {
                await session.SaveChangesAsync(cancellationToken);
            }
            catch (Exception e) when (e is MartenCommandException or DocumentAlreadyExistsException)
            {
                // The unique index on the searching client: a concurrent tap won.
                await using var fresh = store.QuerySession();
                await EnsureFreeAsync(fresh, client.Id, cancellationToken);
                throw;
            }

            if (offered.Count > 0)
                await notify.OfferAsync(request, client, settings, available, cancellationToken);
            await pairing.OfferToLateComersAsync(request.Id, [.. available], cancellationToken);
            return new Result(request.Id, request.Status, request.ExpiresAt);
        }

        private static async Task EnsureFreeAsync(IQuerySession session, Guid clientId, CancellationToken ct)
        {
            if (await session.Query<Session>().AnyAsync(s => s.ClientId == clientId && s.Status == SessionStatus.Active, ct))
                throw new DomainException(ProblemNames.AlreadyInSession, "You already have an active session.");
            if (await session.Query<PairingRequest>().AnyAsync(r => r.ClientId == clientId && r.Status == PairingStatus.Searching, ct))
                throw new DomainException(ProblemNames.AlreadySearching, "You already have a request searching for a bestie.");
        }
    }
}
