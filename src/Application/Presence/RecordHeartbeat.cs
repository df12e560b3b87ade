using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using Marten;
using Mediator;

namespace HaloBestie.Application.Presence;

/// <summary>
/// <c>POST /api/mitra/heartbeat</c>, the hottest path: one Valkey round trip for an online
/// mitra, never a PostgreSQL write. A mitra missing from the online set whose stream still says
/// online (Valkey restarted empty) is put back at once, unless it is being taken offline; an
/// offline mitra gets 409 <c>conflict</c> (the app goes online again); a caller who is not an
/// active mitra gets 403.
/// </summary>
public sealed record RecordHeartbeat : ICommand
{
    public sealed class Handler(IDocumentStore store, IFirebaseCaller caller, MitraIdentities identities, IPresenceStore presence, TimeProvider clock)
        : ICommandHandler<RecordHeartbeat>
    {
        public async ValueTask<Unit> Handle(RecordHeartbeat command, CancellationToken cancellationToken)
        {
            // The common case touches nothing but Valkey: no PostgreSQL session is even created.
            if (!identities.TryGetKnown(caller.Uid, out var mitraId))
            {
                await using var lookup = store.QuerySession();
                mitraId = await identities.MitraIdOfAsync(caller, lookup, cancellationToken);
            }
            if (await presence.HeartbeatAsync(mitraId, clock.GetUtcNow()))
            {
                ProductMetrics.Heartbeat("recorded");
                return Unit.Value;
            }

            await using var session = store.QuerySession();
            var mitra = await session.RequireMitraAsync(caller, cancellationToken);
            if (mitra.IsOnline && (await presence.RestoreMissingAsync([mitra.Id], clock.GetUtcNow())).Count == 1)
            {
                ProductMetrics.Heartbeat("restored");
                return Unit.Value;
            }
            ProductMetrics.Heartbeat("refused");
            throw new DomainException(ProblemNames.Conflict, "The mitra is offline; go online again with PUT /api/mitra/status.");
        }
    }
}
