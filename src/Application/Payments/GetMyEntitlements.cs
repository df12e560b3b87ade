using HaloBestie.Application.Callers;
using Mediator;

namespace HaloBestie.Application.Payments;

/// <summary><c>GET /api/client/entitlements</c>: what the client can still spend on sessions.</summary>
public sealed record GetMyEntitlements : IQuery<GetMyEntitlements.Result>
{
    public sealed record Result(int TrialSessionsLeft, int Credits);

    public sealed class Handler(Caller caller) : IQueryHandler<GetMyEntitlements, Result>
    {
        public async ValueTask<Result> Handle(GetMyEntitlements query, CancellationToken cancellationToken)
        {
            var client = await caller.ClientAsync(cancellationToken);
            return new Result(client.TrialSessionsLeft, client.Credits);
        }
    }
}
