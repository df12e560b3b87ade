using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Domain.Sessions;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary><c>POST /api/internal/sessions/{id}/end</c>: staff end an active session (reason required). Audited.</summary>
public sealed record EndSessionByStaff(Guid SessionId, string Reason) : ICommand<Session>
{
    public sealed record Body(string Reason);

    public sealed class Validator : AbstractValidator<EndSessionByStaff>
    {
        public Validator() => RuleFor(x => x.Reason).NotEmpty().Must(r => !string.IsNullOrWhiteSpace(r)).WithMessage("A reason is required.").MaximumLength(500);
    }

    public sealed class Handler(Caller caller, SessionLifecycle lifecycle, TimeProvider clock) : ICommandHandler<EndSessionByStaff, Session>
    {
        public async ValueTask<Session> Handle(EndSessionByStaff command, CancellationToken cancellationToken)
        {
            var reason = command.Reason.Trim();
            return await lifecycle.EndAsync(command.SessionId, SessionActors.Staff, caller.Staff.Id, reason, _ => { }, cancellationToken,
                alsoRecord: s => s.Audit(caller.Staff, "session.ended", "session", command.SessionId, clock.GetUtcNow(), reason));
        }
    }
}
