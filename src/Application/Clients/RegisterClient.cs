using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Application.Settings;
using HaloBestie.Domain.Clients;
using Mediator;

namespace HaloBestie.Application.Clients;

/// <summary>
/// <c>POST /api/client/auth/register</c>: after linking Google, Apple or phone in Firebase, the
/// app calls this with its refreshed token. 409 <c>conflict</c> while the token is still anonymous.
/// </summary>
public sealed record RegisterClient : ICommand<ClientProfile>
{
    public sealed class Handler(StreamWrites writes, Caller caller, TimeProvider clock) : ICommandHandler<RegisterClient, ClientProfile>
    {
        public async ValueTask<ClientProfile> Handle(RegisterClient command, CancellationToken cancellationToken)
        {
            var clientId = (await caller.ClientAsync(cancellationToken)).Id;
            return await writes.RunAsync(nameof(RegisterClient), async session =>
            {
                var stream = await session.Events.FetchForWriting<Client>(clientId, cancellationToken);
                var client = stream.Aggregate!;
                var now = clock.GetUtcNow();
                var events = ClientDecisions.Register(client, caller.Token.SignInProvider, caller.Token.Email, caller.Token.PhoneNumber, now);
                var registered = events.OfType<ClientRegistered>().Aggregate(client, (c, e) => c.Apply(e));
                var trial = ClientDecisions.GrantTrial(registered, (await session.LoadSettingsAsync(cancellationToken)).TrialSessions, now);
                if (events.Count + trial.Count == 0)
                    return ClientProfile.From(client);
                stream.AppendMany([.. events, .. trial]);
                return ClientProfile.From(registered);
            }, cancellationToken);
        }
    }
}
