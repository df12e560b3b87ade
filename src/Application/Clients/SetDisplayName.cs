using HaloBestie.Application.Common;
using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Domain.Clients;
using Marten;
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

    public sealed class Handler(IDocumentSession session, Caller caller, TimeProvider clock) : ICommandHandler<SetDisplayName, ClientProfile>
    {
        public async ValueTask<ClientProfile> Handle(SetDisplayName command, CancellationToken cancellationToken)
        {
            var stream = await session.Events.FetchForWriting<Client>((await caller.ClientAsync(cancellationToken)).Id, cancellationToken);
            var client = stream.Aggregate!;
            Domain.Clients.DisplayName.TryNormalize(command.DisplayName, out var name, out _);
            var events = ClientDecisions.SetDisplayName(client, name, clock.GetUtcNow());
            if (events.Count == 0)
                return ClientProfile.From(client);
            stream.AppendMany(events);
            await session.SaveChangesAsync(cancellationToken);
            return ClientProfile.From(events.OfType<ClientDisplayNameSet>().Aggregate(client, (c, e) => c.Apply(e)));
        }
    }
}
