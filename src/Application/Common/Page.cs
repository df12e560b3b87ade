using FluentValidation;

namespace HaloBestie.Application.Common;

/// <summary>
/// One page of a list, the one paging shape of both hosts: <c>page</c> (counting from 1, as asked;
/// also named <c>pageNumber</c>, its first name), <c>pageSize</c>, <c>total</c> items in the list,
/// and <c>hasMore</c> when a next page exists.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long Total)
{
    [System.Text.Json.Serialization.JsonPropertyName("page")]
    public int PageAsAsked => PageNumber;

    public bool HasMore => (long)PageNumber * PageSize < Total;
}

public static class Paging
{
    public const int MaxPageSize = 100;

    /// <summary>One page of <paramref name="query"/> (already ordered), each item shown as <paramref name="view"/> makes it.</summary>
    public static async Task<Page<TView>> ToPageAsync<T, TView>(this IQueryable<T> query, int page, int pageSize, Func<T, Task<TView>> view, CancellationToken ct)
    {
        var found = await Marten.Pagination.PagedListQueryableExtensions.ToPagedListAsync(query, page, pageSize, ct);
        var items = new List<TView>((int)found.Count);
        foreach (var item in found)
            items.Add(await view(item));
        return new Page<TView>(items, page, pageSize, found.TotalItemCount);
    }

    /// <summary>The same page rules for every paged query.</summary>
    public static void RulesForPaging<T>(this AbstractValidator<T> validator, Func<T, int> page, Func<T, int> pageSize)
    {
        validator.RuleFor(x => page(x)).GreaterThanOrEqualTo(1).OverridePropertyName("page");
        validator.RuleFor(x => pageSize(x)).InclusiveBetween(1, MaxPageSize).OverridePropertyName("pageSize");
    }
}
