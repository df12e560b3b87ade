namespace HaloBestie.Domain.Clients;

public enum ClientStatus
{
    Active,
    Suspended,
}

/// <summary>A person who wants to talk, as the sum of its events. Email and phone never reach a mitra.</summary>
public sealed record Client(
    Guid Id,
    string FirebaseUid,
    string SignInProvider,
    string? DisplayName,
    bool IsRegistered,
    string? Email,
    string? PhoneNumber,
    ClientStatus Status,
    string? SuspensionReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RegisteredAt,
    DateTimeOffset UpdatedAt,
    int TrialSessionsLeft = 0,
    int Credits = 0,
    bool TrialGranted = false,
    DateTimeOffset? ErasedAt = null,
    DateTimeOffset? EventsMaskedAt = null)
{
    public bool HasSessionToSpend => TrialSessionsLeft + Credits > 0;

    /// <summary>The client deleted its account (PRODUCT.md §11): its personal fields are gone, its counts stay.</summary>
    public bool IsErased => ErasedAt is not null;

    public const string AnonymousProvider = "anonymous";

    /// <summary>What a mitra sees when display names are hidden: stable per client, reveals nothing.</summary>
    public string Alias => ClientAlias.Of(Id);

    public static Client Create(ClientSignedUp e)
    {
        var registered = e.SignInProvider != AnonymousProvider;
        return new(e.ClientId, e.FirebaseUid, e.SignInProvider, null, registered, e.Email, e.PhoneNumber,
            ClientStatus.Active, null, e.At, registered ? e.At : null, e.At);
    }

    public Client Apply(ClientRegistered e) => this with
    {
        IsRegistered = true,
        SignInProvider = e.SignInProvider,
        Email = e.Email ?? Email,
        PhoneNumber = e.PhoneNumber ?? PhoneNumber,
        RegisteredAt = e.At,
        UpdatedAt = e.At,
    };

    public Client Apply(ClientDisplayNameSet e) => this with { DisplayName = e.DisplayName, UpdatedAt = e.At };

    public Client Apply(ClientSuspended e) => this with { Status = ClientStatus.Suspended, SuspensionReason = e.Reason, UpdatedAt = e.At };

    public Client Apply(ClientReinstated e) => this with { Status = ClientStatus.Active, SuspensionReason = null, UpdatedAt = e.At };

    /// <summary>Personal fields erased; the Firebase link replaced so that the account signs in as a new client.</summary>
    public Client Apply(ClientErased e) => this with
    {
        FirebaseUid = ClientErasure.ErasedUid(Id),
        DisplayName = null,
        Email = null,
        PhoneNumber = null,
        ErasedAt = e.At,
        UpdatedAt = e.At,
    };

    public Client Apply(ClientEventsMasked e) => this with { EventsMaskedAt = e.At };

    public Client Apply(TrialGranted e) => this with { TrialSessionsLeft = TrialSessionsLeft + e.Sessions, TrialGranted = true };

    public Client Apply(CreditsPurchased e) => this with { Credits = Credits + e.Sessions };

    public Client Apply(CreditConsumed e) => e.Kind == CreditKinds.Trial
        ? this with { TrialSessionsLeft = TrialSessionsLeft - 1 }
        : this with { Credits = Credits - 1 };

    public Client Apply(CreditReturned e) => e.Kind == CreditKinds.Trial
        ? this with { TrialSessionsLeft = TrialSessionsLeft + 1 }
        : this with { Credits = Credits + 1 };
}

public static class ClientAlias
{
    /// <summary>"Bestie #4821": four digits derived from the client id, the same on every call.</summary>
    public static string Of(Guid clientId)
    {
        Span<byte> bytes = stackalloc byte[16];
        clientId.TryWriteBytes(bytes);
        // The last bytes of a version-7 GUID are random, unlike its leading timestamp.
        var n = BitConverter.ToUInt32(bytes[12..]) % 9000 + 1000;
        return $"Bestie #{n}";
    }
}
