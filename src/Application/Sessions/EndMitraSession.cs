using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary><c>POST /api/mitra/sessions/{id}/end</c>: 409 <c>session-ended</c>; 404 for another mitra's session.</summary>
public sealed record EndMitraSession(Guid SessionId, string? Reason) : ICommand<MitraSessionView>
{
    public sealed record Body(string? Reason);

    public sealed class Validator : AbstractValidator<EndMitraSession>
    {
        public Validator() => RuleFor(x => x.Reason).MaximumLength(500);
    }

    public sealed class Handler(IQuerySession session, Caller caller, SessionLifecycle lifecycle) : ICommandHandler<EndMitraSession, MitraSessionView>
    {
        public async ValueTask<MitraSessionView> Handle(EndMitraSession command, CancellationToken cancellationToken)
        {
            var mitra = await caller.MitraAsync(cancellationToken);
            var ended = await lifecycle.EndAsync(command.SessionId, SessionActors.Mitra, mitra.Id, SessionEndReasons.EndedByMitra,
                s => { if (s.MitraId != mitra.Id) throw new NotFoundException("Session", command.SessionId); }, cancellationToken, message: command.Reason);
            return await MitraSessionView.OfAsync(session, ended, cancellationToken);
        }
    }
}
