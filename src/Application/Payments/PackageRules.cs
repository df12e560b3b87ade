using HaloBestie.Domain;
using FluentValidation;

namespace HaloBestie.Application.Payments;

/// <summary>The package fields staff set, shared by create and update.</summary>
public interface IPackageInput
{
    string Name { get; }
    int Sessions { get; }
    long PriceIdr { get; }
}

public static class PackageRules
{
    public static void RulesForPackage<T>(this AbstractValidator<T> v) where T : IPackageInput
    {
        v.RuleFor(x => x.Name).NotEmpty().Must(n => !string.IsNullOrWhiteSpace(n)).WithErrorCode(ValidationCodes.Required).WithMessage("'Name' must not be blank.").MaximumLength(100);
        v.RuleFor(x => x.Sessions).InclusiveBetween(1, 100);
        // Xendit's minimum invoice amount in IDR is 10,000; the maximum here is a sanity bound.
        v.RuleFor(x => x.PriceIdr).InclusiveBetween(10_000, 100_000_000);
    }
}
