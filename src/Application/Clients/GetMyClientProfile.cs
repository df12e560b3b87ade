using HaloBestie.Application.Callers;
using Mediator;

namespace HaloBestie.Application.Clients;

public sealed record GetMyClientProfile : IQuery<ClientProfile>
{
    public sealed class Handler(Caller caller) : IQueryHandler<GetMyClientProfile, ClientProfile>
    {
        public async ValueTask<ClientProfile> Handle(GetMyClientProfile query, CancellationToken cancellationToken) =>
            ClientProfile.From(await caller.ClientAsync(cancellationToken));
    }
}
