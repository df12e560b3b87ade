using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Domain.Clients;
using Mediator;

namespace HaloBestie.Application.Clients;

/// <summary><c>PUT /api/client/me/display-name</c>: rules in <see cref="Domain.Clients.DisplayName"/>.</summary>
public sealed record SetDisplayName(string DisplayName) : ICommand<ClientProfile>
{
    public sealed class Validator : AbstractValidator<SetDisplayName>
    {
        public Validator() =>
            RuleFor(x => x.DisplayName).Custom((name, context) =>
            {
                if (!Domain.Clients.DisplayName.TryNormalize(name, out _, out var error))
                    context.AddFailure(context.PropertyPath, error!);
            });
    }

    public sealed class Handler(StreamWrites writes, Caller caller, TimeProvider clock) : ICommandHandler<SetDisplayName, ClientProfile>
    {
        public async ValueTask<ClientProfile> Handle(SetDisplayName command, CancellationToken cancellationToken)
        {
            var clientId = (await caller.ClientAsync(cancellationToken)).Id;
            Domain.Clients.DisplayName.TryNormalize(command.DisplayName, out var name, out _);
            // Decided again when the client's stream moved meanwhile (an accept spends a credit on it).
            return await writes.RunAsync(nameof(SetDisplayName), async session =>
            {
                var stream = await session.Events.FetchForWriting<Client>(clientId, cancellationToken);
                var client = stream.Aggregate!;
                var events = ClientDecisions.SetDisplayName(client, name, clock.GetUtcNow());
                if (events.Count == 0)
                    return ClientProfile.From(client);
                stream.AppendMany(events);
                return ClientProfile.From(events.OfType<ClientDisplayNameSet>().Aggregate(client, (c, e) => c.Apply(e)));
            }, cancellationToken);
        }
    }
}
