namespace HaloBestie.Domain.Clients;

public static class ClientDecisions
{
    public static ClientSignedUp SignUp(Guid clientId, string firebaseUid, string signInProvider, string? email, string? phoneNumber, DateTimeOffset now) =>
        new(clientId, firebaseUid, signInProvider, email, phoneNumber, now);

    /// <summary>Registration needs a token from a non-anonymous provider; registering twice records nothing.</summary>
    public static IReadOnlyList<object> Register(Client client, string signInProvider, string? email, string? phoneNumber, DateTimeOffset now)
    {
        if (signInProvider == Client.AnonymousProvider)
            throw DomainException.Coded(ProblemNames.Conflict, ProblemCodes.TokenAnonymous, "The token is still anonymous: link Google, Apple or a phone number in Firebase first, then call this again with the new token.");
        return client.IsRegistered ? [] : [new ClientRegistered(client.Id, signInProvider, email, phoneNumber, now)];
    }

    /// <summary>On sign-in with a non-anonymous token, an anonymous client becomes registered.</summary>
    public static IReadOnlyList<object> SignIn(Client client, string signInProvider, string? email, string? phoneNumber, DateTimeOffset now) =>
        client.IsRegistered || signInProvider == Client.AnonymousProvider
            ? []
            : [new ClientRegistered(client.Id, signInProvider, email, phoneNumber, now)];

    /// <summary><paramref name="displayName"/> must already be normalised by <see cref="DisplayName.TryNormalize"/>.</summary>
    public static IReadOnlyList<object> SetDisplayName(Client client, string displayName, DateTimeOffset now) =>
        client.DisplayName == displayName ? [] : [new ClientDisplayNameSet(client.Id, displayName, now)];

    public static IReadOnlyList<object> Suspend(Client client, string reason, Guid byStaffId, DateTimeOffset now) =>
        client.Status == ClientStatus.Suspended ? [] : [new ClientSuspended(client.Id, reason, byStaffId, now)];

    public static IReadOnlyList<object> Reinstate(Client client, string reason, Guid byStaffId, DateTimeOffset now) =>
        client.Status == ClientStatus.Active ? [] : [new ClientReinstated(client.Id, reason, byStaffId, now)];

    /// <summary>The trial, once per client, when it is registered and the trial is enabled (trialSessions &gt; 0).</summary>
    public static IReadOnlyList<object> GrantTrial(Client client, int trialSessions, DateTimeOffset now) =>
        client.IsRegistered && !client.TrialGranted && trialSessions > 0 ? [new TrialGranted(client.Id, trialSessions, now)] : [];

    /// <summary>A session starts: a trial session first, else a paid credit; 403 <c>payment-required</c> with neither.</summary>
    public static CreditConsumed Consume(Client client, Guid sessionId, DateTimeOffset now)
    {
        if (client.TrialSessionsLeft > 0)
            return new CreditConsumed(client.Id, sessionId, CreditKinds.Trial, now);
        if (client.Credits > 0)
            return new CreditConsumed(client.Id, sessionId, CreditKinds.Paid, now);
        throw new DomainException(ProblemNames.PaymentRequired, "No trial session or credit left: buy a package first.");
    }

    public static void EnsureCanPay(Client client)
    {
        if (!client.HasSessionToSpend)
            throw new DomainException(ProblemNames.PaymentRequired, "No trial session or credit left: buy a package first.");
    }
}
