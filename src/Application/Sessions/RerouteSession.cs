using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Application.Pairing;
using HaloBestie.Application.Settings;
using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Sessions;
using JasperFx.Events;
using Marten;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary>
/// <c>POST /api/internal/sessions/{id}/reroute</c>: moves an active session to another mitra, who
/// must be online (409 <c>mitra-unavailable</c>) and below capacity (409 <c>capacity-full</c>)
/// unless <c>force</c>. Session, old mitra and new mitra streams change in one transaction. Audited.
/// </summary>
public sealed record RerouteSession(Guid SessionId, Guid ToMitraId, string Reason, bool Force) : ICommand<Session>
{
    public sealed record Body(Guid ToMitraId, string Reason, bool? Force);

    public sealed class Validator : AbstractValidator<RerouteSession>
    {
        public Validator()
        {
            RuleFor(x => x.ToMitraId).NotEmpty();
            RuleFor(x => x.Reason).NotEmpty().Must(r => !string.IsNullOrWhiteSpace(r)).WithErrorCode(ValidationCodes.Required).WithMessage("A reason is required.").MaximumLength(500);
        }
    }

    public sealed class Handler(StreamWrites writes, Caller caller, SessionNotifications notify, PairingTimers pairing, TimeProvider clock) : ICommandHandler<RerouteSession, Session>
    {
        public async ValueTask<Session> Handle(RerouteSession command, CancellationToken cancellationToken)
        {
            var reason = command.Reason.Trim();
            var (current, rerouted, handover, to, client, settings) = await writes.RunAsync(nameof(RerouteSession), async session =>
            {
                var stream = await session.Events.FetchForExclusiveWriting<Session>(command.SessionId, cancellationToken); // ordered with the conversation's sends
                var current = stream.Aggregate ?? throw new NotFoundException("Session", command.SessionId);
                var now = clock.GetUtcNow();
                var rerouted = SessionDecisions.Reroute(current, command.ToMitraId, reason, command.Force, caller.Staff.Id, now);
                var (fromStream, toStream) = await LockMitrasAsync(session, current.MitraId, command.ToMitraId, cancellationToken);
                var to = toStream.Aggregate ?? throw new NotFoundException("Mitra", command.ToMitraId);
                var settings = await session.LoadSettingsAsync(cancellationToken);
                toStream.AppendOne(MitraDecisions.ReceiveReroute(to, current.Id, settings.MaxCustomersPerMitra, command.Force, now));
                fromStream.AppendOne(new MitraSessionEnded(current.MitraId, current.Id, now));
                var handover = ConversationDecisions.Handover(current.Apply(rerouted), PairingNotifications.MitraShownOf(to, settings).DisplayName, now);
                stream.AppendMany(rerouted, handover);
                session.Audit(caller.Staff, "session.rerouted", "session", current.Id, now,
                    $"from={current.MitraId}; to={command.ToMitraId}; force={command.Force}; reason={reason}");
                return (current, rerouted, handover, to, await session.LoadAsync<Client>(current.ClientId, cancellationToken), settings);
            }, cancellationToken);

            var result = current.Apply(rerouted).Apply(handover);
            await notify.ReroutedAsync(result, current.MitraId, to, client, settings, handover, cancellationToken);
            await pairing.OfferOpenRequestsToAsync(current.MitraId, cancellationToken); // the old mitra has a place free
            return result;
        }

        /// <summary>
        /// Both mitras' streams, locked in one order (by id): a reroute writes both, so two reroutes
        /// swapping their mitras would otherwise lock them from opposite sides at commit and
        /// deadlock (SessionTests races it); in one order they take turns. The two ids differ
        /// (<see cref="SessionDecisions.Reroute"/> refuses the same mitra).
        /// </summary>
        private static async Task<(IEventStream<Mitra> From, IEventStream<Mitra> To)> LockMitrasAsync(IDocumentSession session, Guid from, Guid to, CancellationToken ct)
        {
            var fromFirst = from.CompareTo(to) < 0;
            var first = await session.Events.FetchForExclusiveWriting<Mitra>(fromFirst ? from : to, ct);
            var second = await session.Events.FetchForExclusiveWriting<Mitra>(fromFirst ? to : from, ct);
            return fromFirst ? (first, second) : (second, first);
        }
    }
}
