using HaloBestie.Domain;
using FluentValidation;
using HaloBestie.Domain.Mitras;

namespace HaloBestie.Application.Mitras;

/// <summary>The fields staff type for a mitra, shared by register and edit.</summary>
public interface IMitraProfileInput
{
    string FullName { get; }
    string PhoneNumber { get; }
    string Alias { get; }
    string? Bio { get; }
    IReadOnlyList<string>? Specialties { get; }
}

public static class MitraProfileRules
{
    public const int MaxNameLength = 100;
    public const int MaxAliasLength = 40;
    public const int MaxBioLength = 1000;
    public const int MaxSpecialties = 10;
    public const int MaxSpecialtyLength = 50;

    public static void RulesForProfile<T>(this AbstractValidator<T> v)
        where T : IMitraProfileInput
    {
        v.RuleFor(x => x.FullName).Cascade(CascadeMode.Stop)
            .NotEmpty().Must(s => !string.IsNullOrWhiteSpace(s)).WithErrorCode(ValidationCodes.Required).WithMessage("'Full Name' must not be blank.")
            .MaximumLength(MaxNameLength);
        v.RuleFor(x => x.PhoneNumber).Cascade(CascadeMode.Stop)
            .NotEmpty()
            .Must(p => PhoneNumbers.TryNormalize(p, out _))
            .WithErrorCode(ValidationCodes.PhoneFormat).WithMessage("'Phone Number' must be a valid phone number, in E.164 (+62…) or Indonesian national form (08…).");
        v.RuleFor(x => x.Alias).Cascade(CascadeMode.Stop)
            .NotEmpty().Must(s => !string.IsNullOrWhiteSpace(s)).WithErrorCode(ValidationCodes.Required).WithMessage("'Alias' must not be blank.")
            .MaximumLength(MaxAliasLength);
        v.RuleFor(x => x.Bio).MaximumLength(MaxBioLength);
        v.RuleFor(x => x.Specialties).Must(s => s is null || s.Count <= MaxSpecialties)
            .WithErrorCode(ValidationCodes.TooMany).WithMessage($"At most {MaxSpecialties} specialties.");
        v.RuleForEach(x => x.Specialties).Cascade(CascadeMode.Stop)
            .NotEmpty().Must(s => !string.IsNullOrWhiteSpace(s)).WithErrorCode(ValidationCodes.Required).WithMessage("A specialty must not be blank.")
            .MaximumLength(MaxSpecialtyLength);
    }

    /// <summary>Trims text, normalises the phone number, drops duplicate specialties. Call after validation.</summary>
    public static MitraProfile ToProfile(this IMitraProfileInput input) => new(
        input.FullName.Trim(),
        PhoneNumbers.Normalize(input.PhoneNumber),
        input.Alias.Trim(),
        string.IsNullOrWhiteSpace(input.Bio) ? null : input.Bio.Trim(),
        (input.Specialties ?? []).Select(s => s.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList());
}
