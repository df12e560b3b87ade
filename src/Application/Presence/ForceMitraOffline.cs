using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Mitras;
using Marten;
using Mediator;

namespace HaloBestie.Application.Presence;

/// <summary>Staff take a mitra offline (reason <c>forced-by-staff</c>); the app receives <c>presence.offline</c>. Audited.</summary>
public sealed record ForceMitraOffline(Guid MitraId, string Reason) : ICommand<ForceMitraOffline.Result>
{
    public sealed record Body(string Reason);

    /// <summary><paramref name="WasOnline"/>: false when the mitra was already offline (nothing recorded).</summary>
    public sealed record Result(Guid MitraId, bool WasOnline);

    public sealed class Validator : AbstractValidator<ForceMitraOffline>
    {
        public Validator() => RuleFor(x => x.Reason).NotEmpty().Must(r => !string.IsNullOrWhiteSpace(r)).WithErrorCode(ValidationCodes.Required).WithMessage("A reason is required.").MaximumLength(500);
    }

    public sealed class Handler(IQuerySession session, Caller caller, PresenceTransitions transitions, TimeProvider clock)
        : ICommandHandler<ForceMitraOffline, Result>
    {
        public async ValueTask<Result> Handle(ForceMitraOffline command, CancellationToken cancellationToken)
        {
            if (await session.LoadAsync<Mitra>(command.MitraId, cancellationToken) is null)
                throw new NotFoundException("Mitra", command.MitraId);

            // The audit entry commits with the transition, in its transaction.
            var recorded = await transitions.TakeOfflineAsync(command.MitraId, OfflineReasons.ForcedByStaff, cancellationToken,
                alsoRecord: s => s.Audit(caller.Staff, "mitra.forced-offline", "mitra", command.MitraId, clock.GetUtcNow(), command.Reason.Trim()));
            return new Result(command.MitraId, recorded);
        }
    }
}
