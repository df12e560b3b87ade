using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Domain;
using HaloBestie.Domain.Sessions;
using Marten;
using Mediator;

namespace HaloBestie.Application.Sessions;

/// <summary><c>POST /api/client/sessions/{id}/end</c>: 409 <c>session-ended</c> when already ended; 404 for anyone else's.</summary>
public sealed record EndMySession(Guid SessionId, string? Reason) : ICommand<ClientSessionView>
{
    public sealed record Body(string? Reason);

    public sealed class Validator : AbstractValidator<EndMySession>
    {
        public Validator() => RuleFor(x => x.Reason).MaximumLength(500);
    }

    public sealed class Handler(IQuerySession session, Caller caller, SessionLifecycle lifecycle) : ICommandHandler<EndMySession, ClientSessionView>
    {
        public async ValueTask<ClientSessionView> Handle(EndMySession command, CancellationToken cancellationToken)
        {
            var client = await caller.ClientAsync(cancellationToken);
            var ended = await lifecycle.EndAsync(command.SessionId, SessionActors.Client, client.Id, SessionEndReasons.EndedByClient,
                s => { if (s.ClientId != client.Id) throw new NotFoundException("Session", command.SessionId); }, cancellationToken, message: command.Reason);
            return await ClientSessionView.OfAsync(session, ended, cancellationToken);
        }
    }
}
