using HaloBestie.Application.Callers;
using HaloBestie.Domain.Clients;
using Mediator;

namespace HaloBestie.Application.DataRights;

/// <summary>
/// <c>DELETE /api/client/me</c>: the client deletes its account (PRODUCT.md §11). 403
/// <c>reauthentication-required</c> unless the token's <c>auth_time</c> is within 5 minutes; then
/// <see cref="AccountErasure"/> closes what is open and erases. 204 also for a retry after a lost
/// answer (the same token no longer finds a client: 403 <c>forbidden</c> with code <c>session-required</c>,
/// which an app after a delete treats as done).
/// </summary>
public sealed record EraseMyAccount : ICommand
{
    public sealed class Handler(Caller caller, AccountErasure erasure, TimeProvider clock) : ICommandHandler<EraseMyAccount>
    {
        public async ValueTask<Unit> Handle(EraseMyAccount command, CancellationToken cancellationToken)
        {
            var client = await caller.ClientAsync(cancellationToken);
            ClientErasure.EnsureRecentSignIn(caller.Token.AuthTime, clock.GetUtcNow());
            await erasure.EraseAsync(client.Id, caller.Token.Uid, cancellationToken);
            return Unit.Value;
        }
    }
}
