using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Mitras;
using Marten;
using Mediator;

namespace HaloBestie.Application.Mitras;

/// <summary>Activating an active mitra is a no-op: 200 with the unchanged mitra, no event, no audit entry.</summary>
public sealed record ActivateMitra(Guid MitraId) : ICommand<MitraDetails>
{
    public sealed class Handler(StreamWrites writes, IDocumentSession session, Caller caller, TimeProvider clock) : ICommandHandler<ActivateMitra, MitraDetails>
    {
        public async ValueTask<MitraDetails> Handle(ActivateMitra command, CancellationToken cancellationToken)
        {
            await writes.RunAsync(nameof(ActivateMitra), async s =>
            {
                var stream = await s.Events.FetchForWriting<Mitra>(command.MitraId, cancellationToken);
                var mitra = stream.Aggregate ?? throw new NotFoundException("Mitra", command.MitraId);
                var now = clock.GetUtcNow();
                var events = MitraDecisions.Activate(mitra, caller.Staff.Id, now);
                if (events.Count == 0)
                    return;
                stream.AppendMany(events);
                s.Audit(caller.Staff, "mitra.activated", "mitra", mitra.Id, now);
            }, cancellationToken);
            return await session.MitraDetailsAsync(command.MitraId, cancellationToken);
        }
    }
}
