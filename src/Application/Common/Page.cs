using FluentValidation;

namespace HaloBestie.Application.Common;

/// <summary>One page of a list. <paramref name="PageNumber"/> counts from 1.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long Total);

public static class Paging
{
    public const int MaxPageSize = 100;

    /// <summary>The same page rules for every paged query.</summary>
    public static void RulesForPaging<T>(this AbstractValidator<T> validator, Func<T, int> page, Func<T, int> pageSize)
    {
        validator.RuleFor(x => page(x)).GreaterThanOrEqualTo(1).OverridePropertyName("page");
        validator.RuleFor(x => pageSize(x)).InclusiveBetween(1, MaxPageSize).OverridePropertyName("pageSize");
    }
}
