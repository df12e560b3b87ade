using HaloBestie.Domain;
using System.ComponentModel.DataAnnotations;
using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Domain.Mitras;
using Mediator;

namespace HaloBestie.Application.Presence;

/// <summary>
/// <c>POST /api/mitra/lifecycle</c>: <c>closed</c> takes the mitra offline at once (reason
/// <c>app-closed</c>); <c>background</c> and <c>foreground</c> change nothing — the mitra stays
/// online until its heartbeats lapse.
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

    public sealed class Handler(Caller caller, PresenceTransitions transitions) : ICommandHandler<ReportAppLifecycle>
    {
        public async ValueTask<Unit> Handle(ReportAppLifecycle command, CancellationToken cancellationToken)
        {
            var mitra = await caller.MitraAsync(cancellationToken);
            if (command.State == Closed)
                await transitions.TakeOfflineAsync(mitra.Id, OfflineReasons.AppClosed, cancellationToken);
            return Unit.Value;
        }
    }
}
