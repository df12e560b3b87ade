using HaloBestie.Domain.Clients;
using Marten.Events.Aggregation;

namespace HaloBestie.Application.Clients;

/// <summary>Builds <see cref="Client"/> inline: write model and read model at once (see MitraProjection).</summary>
public sealed partial class ClientProjection : SingleStreamProjection<Client, Guid>
{
    public static Client Create(ClientSignedUp e) => Client.Create(e);

    public static Client Apply(ClientRegistered e, Client client) => client.Apply(e);

    public static Client Apply(ClientDisplayNameSet e, Client client) => client.Apply(e);

    public static Client Apply(ClientSuspended e, Client client) => client.Apply(e);

    public static Client Apply(ClientReinstated e, Client client) => client.Apply(e);

    public static Client Apply(TrialGranted e, Client client) => client.Apply(e);

    public static Client Apply(ClientErased e, Client client) => client.Apply(e);

    public static Client Apply(ClientEventsMasked e, Client client) => client.Apply(e);

    public static Client Apply(CreditsPurchased e, Client client) => client.Apply(e);

    public static Client Apply(CreditConsumed e, Client client) => client.Apply(e);

    public static Client Apply(CreditReturned e, Client client) => client.Apply(e);
}
