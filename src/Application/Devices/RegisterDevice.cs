using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Application.Conversation;
using HaloBestie.Domain;
using HaloBestie.Domain.Devices;
using Marten;
using Mediator;

namespace HaloBestie.Application.Devices;

/// <summary>
/// <c>PUT /api/client/devices/{installationId}</c> and <c>PUT /api/mitra/devices/{installationId}</c>:
/// the app registers (again) the FCM token of its installation, at every start and whenever
/// Firebase gives it a new token. One row per installation; the token replaces the old one; a
/// token another installation or account held moves here (PRODUCT.md §10, docs/push.md).
/// </summary>
public sealed record RegisterDevice(Party Party, string InstallationId, string? FcmToken, string? Platform) : ICommand<DeviceView>
{
    public sealed record Body(string? FcmToken, [property: AllowedValues(DevicePlatforms.Android, DevicePlatforms.Ios)] string? Platform);

    public sealed class Validator : AbstractValidator<RegisterDevice>
    {
        public Validator()
        {
            RuleFor(x => x.InstallationId).Must(id => DeviceDecisions.IsToken(id, Device.MaxInstallationIdLength))
                .WithErrorCode(ValidationCodes.InstallationIdFormat)
                .WithMessage($"An installation id has 1 to {Device.MaxInstallationIdLength} visible ASCII characters.");
            RuleFor(x => x.FcmToken).Must(t => DeviceDecisions.IsToken(t, Device.MaxTokenLength))
                .WithErrorCode(ValidationCodes.FcmTokenFormat)
                .WithMessage($"An FCM token has 1 to {Device.MaxTokenLength} visible ASCII characters.");
            RuleFor(x => x.Platform).Must(p => DevicePlatforms.All.Contains(p))
                .WithErrorCode(ValidationCodes.UnknownValue)
                .WithMessage("'Platform' must be android or ios.");
        }
    }

    public sealed class Handler(StreamWrites writes, Caller caller, TimeProvider clock) : ICommandHandler<RegisterDevice, DeviceView>
    {
        public async ValueTask<DeviceView> Handle(RegisterDevice command, CancellationToken cancellationToken)
        {
            var (role, ownerId) = await caller.AsPartyAsync(command.Party, cancellationToken);
            var token = command.FcmToken!;
            var device = await writes.RunAsync(nameof(RegisterDevice), async session =>
            {
                // Two installations registering one token at once take turns: the later one keeps it.
                await session.BeginTransactionAsync(cancellationToken);
                await AdvisoryLocks.LockAsync(session, KeyOf(token), cancellationToken);
                var current = await session.LoadAsync<Device>(command.InstallationId, cancellationToken);
                var device = DeviceDecisions.Register(current, command.InstallationId, role, ownerId, token, command.Platform!, clock.GetUtcNow());
                session.DeleteWhere<Device>(d => d.FcmToken == token && d.Id != command.InstallationId);
                session.Store(device);
                return device;
            }, cancellationToken);
            return DeviceView.Of(device);
        }

        private static Guid KeyOf(string token) => new(SHA256.HashData(Encoding.UTF8.GetBytes("fcm-token:" + token)).AsSpan(0, 16));
    }
}

/// <summary>An installation as its app sees it (the token itself is not echoed).</summary>
public sealed record DeviceView(
    string InstallationId,
    [property: AllowedValues(DevicePlatforms.Android, DevicePlatforms.Ios)] string Platform,
    DateTimeOffset RegisteredAt,
    DateTimeOffset RefreshedAt)
{
    public static DeviceView Of(Device d) => new(d.Id, d.Platform, d.RegisteredAt, d.RefreshedAt);
}

/// <summary>
/// <c>DELETE /api/client/devices/{installationId}</c> and the mitra's: at sign-out the app removes its
/// installation, so no push for this account reaches the phone any more. 204 whether or not it was
/// registered; another account's installation is never touched.
/// </summary>
public sealed record UnregisterDevice(Party Party, string InstallationId) : ICommand
{
    public sealed class Handler(IDocumentSession session, Caller caller) : ICommandHandler<UnregisterDevice>
    {
        public async ValueTask<Unit> Handle(UnregisterDevice command, CancellationToken cancellationToken)
        {
            var (role, ownerId) = await caller.AsPartyAsync(command.Party, cancellationToken);
            session.DeleteWhere<Device>(d => d.Id == command.InstallationId && d.OwnerKind == role && d.OwnerId == ownerId);
            await session.SaveChangesAsync(cancellationToken);
            return Unit.Value;
        }
    }
}

/// <summary>Drops installations whose app has not registered them for <see cref="Device.StaleAfter"/> (60 days). Safe on several instances: a delete by date.</summary>
public sealed class StaleDevices(IDocumentStore store, TimeProvider clock)
{
    public async Task<int> DropAsync(CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var cutoff = clock.GetUtcNow() - Device.StaleAfter;
        var stale = await session.Query<Device>().Where(d => d.RefreshedAt < cutoff).Select(d => d.Id).ToListAsync(ct);
        if (stale.Count == 0)
            return 0;
        session.DeleteWhere<Device>(d => d.RefreshedAt < cutoff);
        await session.SaveChangesAsync(ct);
        return stale.Count;
    }
}
