using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using Marten;
using Mediator;

namespace HaloBestie.Application.Clients;

public sealed record GetMyClientProfile : IQuery<ClientProfile>
{
    public sealed class Handler(IQuerySession session, IFirebaseCaller caller) : IQueryHandler<GetMyClientProfile, ClientProfile>
    {
        public async ValueTask<ClientProfile> Handle(GetMyClientProfile query, CancellationToken cancellationToken) =>
            ClientProfile.From(await session.RequireClientAsync(caller, cancellationToken));
    }
}
