using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Mitras;
using Marten;
using Mediator;

namespace HaloBestie.Application.Mitras;

/// <summary>Activating an active mitra is a no-op: 200 with the unchanged mitra, no event, no audit entry.</summary>
public sealed record ActivateMitra(Guid MitraId) : ICommand<MitraDetails>
{
    public sealed class Handler(IDocumentSession session, Caller caller, TimeProvider clock) : ICommandHandler<ActivateMitra, MitraDetails>
    {
        public async ValueTask<MitraDetails> Handle(ActivateMitra command, CancellationToken cancellationToken)
        {
            var stream = await session.Events.FetchForWriting<Mitra>(command.MitraId, cancellationToken);
            var mitra = stream.Aggregate ?? throw new NotFoundException("Mitra", command.MitraId);
            var now = clock.GetUtcNow();
            var events = MitraDecisions.Activate(mitra, caller.Staff.Id, now);
            if (events.Count == 0)
                return await session.MitraDetailsAsync(mitra.Id, cancellationToken);

            stream.AppendMany(events);
            session.Audit(caller.Staff, "mitra.activated", "mitra", mitra.Id, now);
            await session.SaveChangesAsync(cancellationToken);
            return await session.MitraDetailsAsync(mitra.Id, cancellationToken);
        }
    }
}
