using HaloBestie.Domain.Pairing;
using HaloBestie.Domain.Payments;
using HaloBestie.Domain.Sessions;

namespace HaloBestie.Domain.Clients;

/// <summary>
/// A client's right to erasure (PRODUCT.md §11) as pure rules: when an account may be erased, and
/// what each stored event keeps once masked. The masks are the event store's masking rules
/// (Marten's <c>AddMaskingRuleForProtectedInformation</c>): every personal field becomes empty,
/// every id, count, amount and time stays, so that replays, figures and payments remain true.
/// </summary>
public static class ClientErasure
{
    /// <summary>Each request of the erased client loses its note, once.</summary>
    public static IReadOnlyList<object> EraseRequest(PairingRequest request, DateTimeOffset now) =>
        request.Note is null ? [] : [new PairingRequestErased(request.Id, now)];

    /// <summary>Each payment of the erased client loses its invoice address, once.</summary>
    public static IReadOnlyList<object> ErasePayment(Payment payment, DateTimeOffset now) =>
        payment.InvoiceUrl.Length == 0 ? [] : [new PaymentPayerErased(payment.Id, now)];

    /// <summary>A sign-in must be this recent to delete the account (<c>auth_time</c> of the token).</summary>
    public static readonly TimeSpan ReauthenticationWindow = TimeSpan.FromMinutes(5);

    /// <summary>What replaces the Firebase UID: unique per client (the UID's index stays unique), says nothing of the account.</summary>
    public static string ErasedUid(Guid clientId) => $"erased:{clientId:N}";

    /// <summary>403 <c>reauthentication-required</c> unless the caller signed in within <see cref="ReauthenticationWindow"/>.</summary>
    public static void EnsureRecentSignIn(DateTimeOffset? authTime, DateTimeOffset now)
    {
        if (authTime is not { } at || now - at > ReauthenticationWindow || at - now > ReauthenticationWindow)
            throw new DomainException(ProblemNames.ReauthenticationRequired,
                "Deleting the account needs a recent sign-in: sign in again (within the last 5 minutes), then repeat the request with the new token.");
    }

    /// <summary>Erasing an erased client records nothing (a retry after a lost answer).</summary>
    public static IReadOnlyList<object> Erase(Client client, DateTimeOffset now) =>
        client.IsErased ? [] : [new ClientErased(client.Id, now)];

    /// <summary>Once, after the erasure reached the stored events.</summary>
    public static IReadOnlyList<object> EventsMasked(Client client, DateTimeOffset now) =>
        client.IsErased && client.EventsMaskedAt is null ? [new ClientEventsMasked(client.Id, now)] : [];

    public static ClientSignedUp Mask(ClientSignedUp e) => e with { FirebaseUid = ErasedUid(e.ClientId), Email = null, PhoneNumber = null };

    public static ClientRegistered Mask(ClientRegistered e) => e with { Email = null, PhoneNumber = null };

    public static ClientDisplayNameSet Mask(ClientDisplayNameSet e) => e with { DisplayName = "" };

    /// <summary>The note is the client's own words; the topic is one of the platform's list and stays.</summary>
    public static PairingRequested Mask(PairingRequested e) => e with { Note = null };

    /// <summary>Amount, package and invoice id stay for the tax record; the invoice's page address goes.</summary>
    public static PaymentCreated Mask(PaymentCreated e) => e with { InvoiceUrl = "" };
}

/// <summary>Erasing a conversation's texts (PRODUCT.md §11): by the client's erasure, or by retention.</summary>
public static class ConversationErasure
{
    /// <summary>A party's text is emptied and marked erased; the system's own messages hold no one's words and stay.</summary>
    public static MessageSent Mask(MessageSent e) =>
        e.Sender == MessageSenders.System ? e : e with { Text = "", Erased = true };

    public static SessionRated Mask(SessionRated e) => e with { Comment = null };

    /// <summary>The words written for the other party at the end; the reason code stays.</summary>
    public static SessionEnded Mask(SessionEnded e) => e with { Message = null };

    /// <summary>Once per session, and only once it has ended (an active conversation is ended first).</summary>
    public static IReadOnlyList<object> Erase(Session session, string reason, DateTimeOffset now)
    {
        if (session.Status != SessionStatus.Ended)
            throw new DomainException(ProblemNames.SessionActive, "An active session's conversation cannot be erased: end the session first.");
        return session.ConversationErasedAt is null ? [new ConversationErased(session.Id, reason, session.LastSeq, now)] : [];
    }

    /// <summary>
    /// Whether retention erases the session's texts now: it ended at least <paramref name="retentionDays"/>
    /// days ago and is not erased yet; 0 days keeps every conversation.
    /// </summary>
    public static bool IsPastRetention(Session session, int retentionDays, DateTimeOffset now) =>
        retentionDays > 0 && session.ConversationErasedAt is null
        && session.EndedAt is { } ended && ended <= RetentionCutoff(retentionDays, now);

    public static DateTimeOffset RetentionCutoff(int retentionDays, DateTimeOffset now) => now - TimeSpan.FromDays(retentionDays);
}
