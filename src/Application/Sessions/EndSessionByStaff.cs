using HaloBestie.Domain;
using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Domain.Sessions;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary>
/// <c>POST /api/internal/sessions/{id}/end</c>: staff end an active session. <c>reason</c> (required)
/// is for the record and the audit; <c>message</c> (optional) is what the client and the mitra read
/// as the session's <c>endMessage</c>. Audited.
/// </summary>
public sealed record EndSessionByStaff(Guid SessionId, string Reason, string? Message = null) : ICommand<Session>
{
    public const int MaxMessageLength = 500;

    public sealed record Body(string Reason, string? Message);

    public sealed class Validator : AbstractValidator<EndSessionByStaff>
    {
        public Validator()
        {
            RuleFor(x => x.Reason).NotEmpty().Must(r => !string.IsNullOrWhiteSpace(r)).WithErrorCode(ValidationCodes.Required).WithMessage("A reason is required.").MaximumLength(500);
            RuleFor(x => x.Message).MaximumLength(MaxMessageLength);
        }
    }

    public sealed class Handler(Caller caller, SessionLifecycle lifecycle, TimeProvider clock) : ICommandHandler<EndSessionByStaff, Session>
    {
        public async ValueTask<Session> Handle(EndSessionByStaff command, CancellationToken cancellationToken)
        {
            var reason = command.Reason.Trim();
            return await lifecycle.EndAsync(command.SessionId, SessionActors.Staff, caller.Staff.Id, reason, _ => { }, cancellationToken,
                alsoRecord: s => s.Audit(caller.Staff, "session.ended", "session", command.SessionId, clock.GetUtcNow(), reason), message: command.Message);
        }
    }
}
