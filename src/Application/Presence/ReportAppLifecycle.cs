using HaloBestie.Domain;
using System.ComponentModel.DataAnnotations;
using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Settings;
using HaloBestie.Domain.Devices;
using HaloBestie.Domain.Mitras;
using Marten;
using Mediator;

namespace HaloBestie.Application.Presence;

/// <summary>
/// <c>POST /api/mitra/lifecycle</c>: <c>closed</c> takes the mitra offline at once (reason
/// <c>app-closed</c>). <c>background</c>, from an online mitra with a registered device (an
/// installation push can reach) while <c>backgroundReachableMinutes</c> is above 0, keeps it online
/// without heartbeats for that long, then it goes offline with reason <c>background-timeout</c>;
/// without a device it changes nothing (the heartbeat rule). <c>foreground</c> counts as a heartbeat:
/// back to the heartbeat rule (PRODUCT.md §10, docs/realtime.md).
/// </summary>
public sealed record ReportAppLifecycle([property: AllowedValues(ReportAppLifecycle.Background, ReportAppLifecycle.Foreground, ReportAppLifecycle.Closed)] string State) : ICommand
{
    public const string Background = "background";
    public const string Foreground = "foreground";
    public const string Closed = "closed";

    public static readonly string[] States = [Background, Foreground, Closed];

    public sealed class Validator : AbstractValidator<ReportAppLifecycle>
    {
        public Validator() => RuleFor(x => x.State).Must(s => States.Contains(s)).WithErrorCode(ValidationCodes.UnknownValue).WithMessage("'State' must be background, foreground or closed.");
    }

    public sealed class Handler(Caller caller, PresenceTransitions transitions, IPresenceStore presence, IQuerySession query, TimeProvider clock) : ICommandHandler<ReportAppLifecycle>
    {
        public async ValueTask<Unit> Handle(ReportAppLifecycle command, CancellationToken cancellationToken)
        {
            var mitra = await caller.MitraAsync(cancellationToken);
            switch (command.State)
            {
                case Closed:
                    await transitions.TakeOfflineAsync(mitra.Id, OfflineReasons.AppClosed, cancellationToken);
                    break;
                case Foreground:
                    await presence.HeartbeatAsync(mitra.Id, clock.GetUtcNow());
                    break;
                default:
                    var minutes = (await query.LoadSettingsAsync(cancellationToken)).BackgroundReachableMinutes;
                    if (minutes > 0 && await query.Query<Device>().AnyAsync(d => d.OwnerKind == DeviceOwners.Mitra && d.OwnerId == mitra.Id, cancellationToken))
                        await presence.EnterBackgroundAsync(mitra.Id, clock.GetUtcNow().AddMinutes(minutes));
                    break;
            }
            return Unit.Value;
        }
    }
}
