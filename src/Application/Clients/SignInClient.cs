using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Application.DataRights;
using HaloBestie.Application.Settings;
using HaloBestie.Domain.Clients;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Mediator;

namespace HaloBestie.Application.Clients;

/// <summary>
/// <c>POST /api/client/auth/session</c>: the client app's sign-in. Creates the client on first
/// contact; a non-anonymous token registers an anonymous client. Two devices signing in with
/// one new Firebase account at the same moment still make one client (the trial is granted
/// with the registration, once): the unique index on the
/// Firebase UID lets one insert win, and the loser reads the winner's record.
/// </summary>
public sealed record SignInClient : ICommand<SignInClient.Result>
{
    public sealed record Result(ClientProfile Client, bool NeedsDisplayName, bool MustRegister);

    public sealed class Handler(StreamWrites writes, IDocumentSession session, IDocumentStore store, Caller caller, IAccountHasher hasher, TimeProvider clock)
        : ICommandHandler<SignInClient, Result>
    {
        public async ValueTask<Result> Handle(SignInClient command, CancellationToken cancellationToken)
        {
            var existing = await caller.FindClientNotMitraAsync(cancellationToken);
            var now = clock.GetUtcNow();
            var client = existing is null
                ? await SignUpAsync(now, cancellationToken)
                : await SignInAsync(existing, now, cancellationToken);
            return new Result(ClientProfile.From(client), client.DisplayName is null, !client.IsRegistered);
        }

        private async Task<Client> SignUpAsync(DateTimeOffset now, CancellationToken ct)
        {
            var signedUp = ClientDecisions.SignUp(Guid.CreateVersion7(), caller.Token.Uid, caller.Token.SignInProvider, caller.Token.Email, caller.Token.PhoneNumber, now);
            var trial = ClientDecisions.GrantTrial(Client.Create(signedUp), await TrialSessionsAsync(ct), now);
            session.Events.StartStream<Client>(signedUp.ClientId, [signedUp, .. trial]);
            try
            {
                await session.SaveChangesAsync(ct);
                return trial.OfType<TrialGranted>().Aggregate(Client.Create(signedUp), (c, e) => c.Apply(e));
            }
            catch (Exception e) when (e is MartenCommandException or DocumentAlreadyExistsException or ConcurrencyException)
            {
                await using var fresh = store.QuerySession();
                var winner = await caller.FindClientAsync(ct);
                if (winner is null)
                    throw;
                return winner;
            }
        }

        private async Task<Client> SignInAsync(Client existing, DateTimeOffset now, CancellationToken ct)
        {
            if (ClientDecisions.SignIn(existing, caller.Token.SignInProvider, caller.Token.Email, caller.Token.PhoneNumber, now).Count == 0)
                return existing;
            var trialSessions = await TrialSessionsAsync(ct);
            // Decided again when the client's stream moved meanwhile (an accept, a payment's callback).
            return await writes.RunAsync(nameof(SignInClient), async s =>
            {
                var stream = await s.Events.FetchForWriting<Client>(existing.Id, ct);
                var client = stream.Aggregate!;
                var events = ClientDecisions.SignIn(client, caller.Token.SignInProvider, caller.Token.Email, caller.Token.PhoneNumber, now);
                var registered = events.OfType<ClientRegistered>().Aggregate(client, (c, e) => c.Apply(e));
                var trial = ClientDecisions.GrantTrial(registered, trialSessions, now);
                if (events.Count + trial.Count == 0)
                    return client;
                stream.AppendMany([.. events, .. trial]);
                return trial.OfType<TrialGranted>().Aggregate(registered, (c, e) => c.Apply(e));
            }, ct);
        }

        /// <summary>The trial of the settings, none for a Firebase account whose earlier client was erased (PRODUCT.md §11: no second trial).</summary>
        private async Task<int> TrialSessionsAsync(CancellationToken ct)
        {
            var trial = (await session.LoadSettingsAsync(ct)).TrialSessions;
            return trial > 0 && await session.LoadAsync<ErasedAccount>(hasher.Hash(caller.Token.Uid), ct) is not null ? 0 : trial;
        }
    }
}
