using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Mitras;
using Marten;
using Mediator;

namespace HaloBestie.Application.Mitras;

/// <summary>Deactivating an inactive mitra is a no-op: 200 with the unchanged mitra, no event, no audit entry.</summary>
public sealed record DeactivateMitra(Guid MitraId, string? Reason) : ICommand<MitraDetails>
{
    public sealed record Body(string? Reason);

    public sealed class Validator : AbstractValidator<DeactivateMitra>
    {
        public Validator() => RuleFor(x => x.Reason).MaximumLength(500);
    }

    public sealed class Handler(IDocumentSession session, ICurrentStaff staff, TimeProvider clock) : ICommandHandler<DeactivateMitra, MitraDetails>
    {
        public async ValueTask<MitraDetails> Handle(DeactivateMitra command, CancellationToken cancellationToken)
        {
            var stream = await session.Events.FetchForWriting<Mitra>(command.MitraId, cancellationToken);
            var mitra = stream.Aggregate ?? throw new NotFoundException("Mitra", command.MitraId);
            var now = clock.GetUtcNow();
            var events = MitraDecisions.Deactivate(mitra, command.Reason?.Trim(), staff.Actor.Id, now);
            if (events.Count == 0)
                return MitraDetails.From(mitra);

            stream.AppendMany(events);
            session.Audit(staff.Actor, "mitra.deactivated", "mitra", mitra.Id, now, command.Reason);
            await session.SaveChangesAsync(cancellationToken);
            return MitraDetails.From(mitra with { IsActive = false, UpdatedAt = now });
        }
    }
}
