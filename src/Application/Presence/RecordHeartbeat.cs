using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
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
    public sealed class Handler(Caller caller, IPresenceStore presence, PresenceTransitions transitions, TimeProvider clock)
        : ICommandHandler<RecordHeartbeat>
    {
        public async ValueTask<Unit> Handle(RecordHeartbeat command, CancellationToken cancellationToken)
        {
            // The common case touches nothing but Valkey: no PostgreSQL session is even opened.
            var mitraId = await caller.MitraIdAsync(cancellationToken);
            if (await presence.HeartbeatAsync(mitraId, clock.GetUtcNow()))
            {
                ProductMetrics.Heartbeat("recorded");
                return Unit.Value;
            }

            // Valkey lost it, or the sweeper's reconciliation is restoring it at this moment (then the
            // restore here finds it back already, and the heartbeat is recorded on the second try).
            var mitra = await caller.MitraAsync(cancellationToken);
            if (mitra.IsOnline && ((await transitions.RestoreMissingAsync([mitra.Id], cancellationToken)).Count == 1
                || await presence.HeartbeatAsync(mitra.Id, clock.GetUtcNow())))
            {
                ProductMetrics.Heartbeat("restored");
                return Unit.Value;
            }
            ProductMetrics.Heartbeat("refused");
            throw DomainException.Coded(ProblemNames.Conflict, ProblemCodes.MitraOffline, "The mitra is offline; go online again with PUT /api/mitra/status.");
        }
    }
}
