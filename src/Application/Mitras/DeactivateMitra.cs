using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Common;
using HaloBestie.Application.Presence;
using HaloBestie.Application.Realtime;
using HaloBestie.Domain;
using HaloBestie.Domain.Mitras;
using Marten;
using Mediator;

namespace HaloBestie.Application.Mitras;

/// <summary>
/// Deactivating an inactive mitra is a no-op: 200 with the unchanged mitra, no event, no audit
/// entry. An online mitra is put offline (reason <c>deactivated</c>), told so on its event stream,
/// and its streams are closed.
/// </summary>
public sealed record DeactivateMitra(Guid MitraId, string? Reason) : ICommand<MitraDetails>
{
    public sealed record Body(string? Reason);

    public sealed class Validator : AbstractValidator<DeactivateMitra>
    {
        public Validator() => RuleFor(x => x.Reason).MaximumLength(500);
    }

    public sealed class Handler(IDocumentSession session, ICurrentStaff staff, IPresenceStore presence, PresenceTransitions transitions, IRealtime realtime, TimeProvider clock) : ICommandHandler<DeactivateMitra, MitraDetails>
    {
        public async ValueTask<MitraDetails> Handle(DeactivateMitra command, CancellationToken cancellationToken)
        {
            // A presence transition too (offline, reason deactivated): under the mitra's presence lock.
            await session.BeginTransactionAsync(cancellationToken);
            await PresenceLock.EnterAsync(session, command.MitraId, cancellationToken);
            var stream = await session.Events.FetchForWriting<Mitra>(command.MitraId, cancellationToken);
            var mitra = stream.Aggregate ?? throw new NotFoundException("Mitra", command.MitraId);
            var now = clock.GetUtcNow();
            var events = MitraDecisions.Deactivate(mitra, command.Reason?.Trim(), staff.Actor.Id, now);
            if (events.Count == 0)
                return await session.MitraDetailsAsync(mitra.Id, cancellationToken);

            await presence.BeginOfflineAsync(mitra.Id, now);
            stream.AppendMany(events);
            session.Audit(staff.Actor, "mitra.deactivated", "mitra", mitra.Id, now, command.Reason);
            await session.SaveChangesAsync(cancellationToken);
            if (events.OfType<MitraWentOffline>().Any())
                await transitions.AnnounceOfflineAsync(mitra.Id, OfflineReasons.Deactivated, cancellationToken);
            await realtime.CloseStreamsAsync(Recipient.Mitra(mitra.Id), cancellationToken);
            return await session.MitraDetailsAsync(mitra.Id, cancellationToken);
        }
    }
}
