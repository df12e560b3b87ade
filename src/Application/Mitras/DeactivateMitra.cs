using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Presence;
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

    public sealed class Handler(IQuerySession session, Caller caller, PresenceTransitions transitions) : ICommandHandler<DeactivateMitra, MitraDetails>
    {
        public async ValueTask<MitraDetails> Handle(DeactivateMitra command, CancellationToken cancellationToken)
        {
            await transitions.DeactivateAsync(command.MitraId, command.Reason?.Trim(), caller.Staff, cancellationToken);
            return await session.MitraDetailsAsync(command.MitraId, cancellationToken);
        }
    }
}
