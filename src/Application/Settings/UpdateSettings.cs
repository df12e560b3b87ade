using HaloBestie.Domain;
using FluentValidation;
using HaloBestie.Application.Audit;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Pairing;
using HaloBestie.Domain.Settings;
using Marten;
using Mediator;

namespace HaloBestie.Application.Settings;

/// <summary>
/// <c>PUT /api/internal/settings</c> (admin): replaces every setting at once. The audit entry
/// lists each changed value as <c>name: old → new</c>. Raising <c>maxCustomersPerMitra</c> makes
/// mitras who were full available: each is offered what is still searching, as when a session ends.
/// <c>crisisResources</c>, <c>minSupportedVersion</c>, <c>backgroundReachableMinutes</c> and <c>transcriptRetentionDays</c> may be left out (null) to keep their current values.
/// </summary>
public sealed record UpdateSettings(
    int MaxCustomersPerMitra,
    int PairingTimeoutSeconds,
    int HeartbeatIntervalSeconds,
    int HeartbeatTimeoutSeconds,
    int SessionDurationMinutes,
    int TrialSessions,
    IReadOnlyList<string> Topics,
    string TimeZone,
    AnonymitySettings Anonymity,
    IReadOnlyList<string>? CrisisResources = null,
    AppVersions? MinSupportedVersion = null,
    int? BackgroundReachableMinutes = null,
    int? TranscriptRetentionDays = null) : ICommand<PlatformSettings>
{
    public const int MaxCrisisResources = 10;
    public const int MaxCrisisResourceLength = 200;

    public const int MaxTopics = 20;
    public const int MaxTopicLength = 40;

    public sealed class Validator : AbstractValidator<UpdateSettings>
    {
        public Validator()
        {
            RuleFor(x => x.MaxCustomersPerMitra).InclusiveBetween(1, 20);
            RuleFor(x => x.PairingTimeoutSeconds).InclusiveBetween(5, 600);
            RuleFor(x => x.HeartbeatIntervalSeconds).InclusiveBetween(1, 300);
            RuleFor(x => x.HeartbeatTimeoutSeconds).LessThanOrEqualTo(3600)
                .GreaterThan(x => x.HeartbeatIntervalSeconds).WithErrorCode(ValidationCodes.TimeoutBelowInterval).WithMessage("'Heartbeat Timeout Seconds' must be greater than the heartbeat interval.");
            RuleFor(x => x.SessionDurationMinutes).InclusiveBetween(5, 240);
            RuleFor(x => x.TrialSessions).InclusiveBetween(0, 10);
            RuleFor(x => x.Topics).NotNull().Must(t => t is { Count: >= 1 and <= MaxTopics })
                .WithErrorCode(ValidationCodes.TooMany).WithMessage($"Between 1 and {MaxTopics} topics.")
                .Must(t => t is null || t.Select(x => x?.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count() == t.Count)
                .WithErrorCode(ValidationCodes.NotUnique).WithMessage("Topics must be unique.");
            RuleForEach(x => x.Topics).Cascade(CascadeMode.Stop)
                .NotEmpty().Must(t => !string.IsNullOrWhiteSpace(t)).WithErrorCode(ValidationCodes.Required).WithMessage("A topic must not be blank.")
                .MaximumLength(MaxTopicLength);
            RuleFor(x => x.TimeZone).NotEmpty().Must(tz => TimeZoneInfo.TryFindSystemTimeZoneById(tz ?? "", out _))
                .WithErrorCode(ValidationCodes.TimeZone).WithMessage("'Time Zone' must be an IANA time zone such as Asia/Jakarta.");
            RuleFor(x => x.Anonymity).NotNull();
            RuleFor(x => x.BackgroundReachableMinutes).InclusiveBetween(0, PlatformSettings.MaxBackgroundReachableMinutes);
            RuleFor(x => x.TranscriptRetentionDays).InclusiveBetween(0, PlatformSettings.MaxTranscriptRetentionDays);
            RuleFor(x => x.CrisisResources).Must(r => r is null || r.Count is >= 1 and <= MaxCrisisResources)
                .WithErrorCode(ValidationCodes.TooMany).WithMessage($"Give 1 to {MaxCrisisResources} crisis resources (or leave them out to keep the current ones).");
            RuleForEach(x => x.CrisisResources).Must(r => !string.IsNullOrWhiteSpace(r) && r.Trim().Length <= MaxCrisisResourceLength)
                .WithErrorCode(ValidationCodes.CrisisResourceLength).WithMessage($"A crisis resource has 1 to {MaxCrisisResourceLength} characters.");
            RuleFor(x => x.MinSupportedVersion!.Android).Must(AppVersions.IsVersion).When(x => x.MinSupportedVersion is not null)
                .OverridePropertyName("minSupportedVersion.android").WithErrorCode(ValidationCodes.VersionFormat).WithMessage("A version is major.minor.patch, e.g. 1.4.0.");
            RuleFor(x => x.MinSupportedVersion!.Ios).Must(AppVersions.IsVersion).When(x => x.MinSupportedVersion is not null)
                .OverridePropertyName("minSupportedVersion.ios").WithErrorCode(ValidationCodes.VersionFormat).WithMessage("A version is major.minor.patch, e.g. 1.4.0.");
        }
    }

    public sealed class Handler(IDocumentSession session, Caller caller, PairingTimers pairing, TimeProvider clock) : ICommandHandler<UpdateSettings, PlatformSettings>
    {
        public async ValueTask<PlatformSettings> Handle(UpdateSettings command, CancellationToken cancellationToken)
        {
            var before = await session.LoadSettingsAsync(cancellationToken);
            var after = new PlatformSettings(command.MaxCustomersPerMitra, command.PairingTimeoutSeconds, command.HeartbeatIntervalSeconds,
                command.HeartbeatTimeoutSeconds, command.SessionDurationMinutes, command.TrialSessions,
                command.Topics.Select(t => t.Trim()).ToList(), command.TimeZone, command.Anonymity)
            {
                CrisisResources = command.CrisisResources?.Select(r => r.Trim()).ToList() ?? before.CrisisResources,
                MinSupportedVersion = command.MinSupportedVersion ?? before.MinSupportedVersion,
                BackgroundReachableMinutes = command.BackgroundReachableMinutes ?? before.BackgroundReachableMinutes,
                TranscriptRetentionDays = command.TranscriptRetentionDays ?? before.TranscriptRetentionDays,
            };

            var changes = Changes(before, after);
            if (changes.Count == 0)
                return before;

            session.Store(after);
            session.Audit(caller.Staff, "settings.updated", "settings", PlatformSettings.DocumentId, clock.GetUtcNow(), string.Join("; ", changes));
            await session.SaveChangesAsync(cancellationToken);

            if (after.MaxCustomersPerMitra > before.MaxCustomersPerMitra)
            {
                await using var query = session.DocumentStore.QuerySession();
                foreach (var mitraId in await query.AvailableMitraIdsAsync(after, cancellationToken))
                    await pairing.OfferOpenRequestsToAsync(mitraId, cancellationToken);
            }
            return after;
        }

        private static List<string> Changes(PlatformSettings a, PlatformSettings b)
        {
            var changes = new List<string>();
            void Compare<T>(string name, T x, T y)
            {
                if (!EqualityComparer<T>.Default.Equals(x, y))
                    changes.Add($"{name}: {x} → {y}");
            }
            Compare("maxCustomersPerMitra", a.MaxCustomersPerMitra, b.MaxCustomersPerMitra);
            Compare("pairingTimeoutSeconds", a.PairingTimeoutSeconds, b.PairingTimeoutSeconds);
            Compare("heartbeatIntervalSeconds", a.HeartbeatIntervalSeconds, b.HeartbeatIntervalSeconds);
            Compare("heartbeatTimeoutSeconds", a.HeartbeatTimeoutSeconds, b.HeartbeatTimeoutSeconds);
            Compare("backgroundReachableMinutes", a.BackgroundReachableMinutes, b.BackgroundReachableMinutes);
            Compare("transcriptRetentionDays", a.TranscriptRetentionDays, b.TranscriptRetentionDays);
            Compare("sessionDurationMinutes", a.SessionDurationMinutes, b.SessionDurationMinutes);
            Compare("trialSessions", a.TrialSessions, b.TrialSessions);
            Compare("topics", string.Join(", ", a.Topics), string.Join(", ", b.Topics));
            Compare("timeZone", a.TimeZone, b.TimeZone);
            Compare("anonymity.showClientDisplayName", a.Anonymity.ShowClientDisplayName, b.Anonymity.ShowClientDisplayName);
            Compare("anonymity.showMitraFullName", a.Anonymity.ShowMitraFullName, b.Anonymity.ShowMitraFullName);
            Compare("minSupportedVersion", a.MinSupportedVersion, b.MinSupportedVersion);
            Compare("crisisResources", string.Join(", ", a.CrisisResources), string.Join(", ", b.CrisisResources));
            return changes;
        }
    }
}
