using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain;
using HaloBestie.Domain.Clients;
using Mediator;

namespace HaloBestie.Application.Clients;

/// <summary>Lifts a suspension. Reinstating an active client changes nothing.</summary>
public sealed record ReinstateClient(Guid ClientId, string Reason) : ICommand<ClientDetails>
{
    public sealed record Body(string Reason);

    public sealed class Validator : AbstractValidator<ReinstateClient>
    {
        public Validator() => RuleFor(x => x.Reason).NotEmpty().Must(r => !string.IsNullOrWhiteSpace(r)).WithErrorCode(ValidationCodes.Required).WithMessage("A reason is required.").MaximumLength(500);
    }

    public sealed class Handler(StreamWrites writes, Caller caller, TimeProvider clock) : ICommandHandler<ReinstateClient, ClientDetails>
    {
        public async ValueTask<ClientDetails> Handle(ReinstateClient command, CancellationToken cancellationToken)
        {
            var reason = command.Reason.Trim();
            return await writes.RunAsync(nameof(ReinstateClient), async session =>
            {
                var stream = await session.Events.FetchForWriting<Client>(command.ClientId, cancellationToken);
                var client = stream.Aggregate ?? throw new NotFoundException("Client", command.ClientId);
                var now = clock.GetUtcNow();
                var events = ClientDecisions.Reinstate(client, reason, caller.Staff.Id, now);
                if (events.Count == 0)
                    return ClientDetails.From(client);
                stream.AppendMany(events);
                session.Audit(caller.Staff, "client.reinstated", "client", client.Id, now, reason);
                return ClientDetails.From(events.OfType<ClientReinstated>().Aggregate(client, (c, e) => c.Apply(e)));
            }, cancellationToken);
        }
    }
}
