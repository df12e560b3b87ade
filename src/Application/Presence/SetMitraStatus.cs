using HaloBestie.Application.Callers;
using HaloBestie.Application.Pairing;
using HaloBestie.Domain.Mitras;
using Mediator;

namespace HaloBestie.Application.Presence;

/// <summary>
/// <c>PUT /api/mitra/status</c>: the mitra's online toggle. Online needs an active account
/// (403 <c>mitra-inactive</c>); both directions are idempotent. Going online again while online
/// also puts the mitra back into the online set (after a Valkey restart, say). A mitra going online
/// is offered every request still searching.
/// </summary>
public sealed record SetMitraStatus(bool Online) : ICommand<SetMitraStatus.Result>
{
    /// <summary><paramref name="Since"/>: start of the current online period; null when offline.</summary>
    public sealed record Result(bool Online, DateTimeOffset? Since);

    public sealed class Handler(Caller caller, PresenceTransitions transitions, PairingTimers pairing)
        : ICommandHandler<SetMitraStatus, Result>
    {
        public async ValueTask<Result> Handle(SetMitraStatus command, CancellationToken cancellationToken)
        {
            var mitra = await caller.MitraAsync(cancellationToken);
            if (!command.Online)
            {
                await transitions.TakeOfflineAsync(mitra.Id, OfflineReasons.Manual, cancellationToken);
                return new Result(false, null);
            }

            var since = await transitions.GoOnlineAsync(mitra.Id, cancellationToken);
            // A mitra who becomes available receives what is still searching.
            await pairing.OfferOpenRequestsToAsync(mitra.Id, cancellationToken);
            return new Result(true, since);
        }
    }
}
