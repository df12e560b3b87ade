using HaloBestie.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace HaloBestie.Infrastructure.Web;

/// <summary>Problem names declared on a route or its group with <see cref="ProblemContract.Problems{TBuilder}"/>.</summary>
public sealed record DeclaredProblems(IReadOnlyList<string> Names);

/// <summary>
/// Which problems a route can answer (ADR 0021). A route answers the names its endpoint line and
/// its group declare with <c>.Problems(…)</c>, and those it has because of what it is, declared
/// here once so that no endpoint line repeats them:
/// <list type="bullet">
/// <item>every route: 503 <c>service-unavailable</c> (PostgreSQL or Valkey down);</item>
/// <item>every route that changes state (any method but GET): 409 <c>conflict</c>, when another
/// request wrote the same streams at the same moment until the retries ran out, or took a unique
/// value first — a race the tests can rarely provoke, so the rule states it;</item>
/// <item>every route that reads a JSON body: 400 <c>validation</c> (a body that is not JSON of the
/// expected shape), 413 <c>payload-too-large</c>, 415 <c>unsupported-media-type</c>.</item>
/// </list>
/// The OpenAPI documents list exactly these (<see cref="EndpointContractProcessor"/>), and in
/// Development and Test every problem answered is checked against them (<see cref="UndeclaredProblems"/>).
/// 500 <c>internal</c> is in no contract: it is a bug.
/// </summary>
public static class ProblemContract
{
    private static readonly string[] EveryRoute = [ProblemCatalog.ServiceUnavailable];
    private static readonly string[] EveryWrite = [ProblemNames.Conflict];
    private static readonly string[] EveryJsonBody = [ProblemNames.Validation, ProblemCatalog.PayloadTooLarge, ProblemCatalog.UnsupportedMediaType];

    /// <summary>
    /// Declares problem names (<see cref="ProblemNames"/>, <see cref="ProblemCatalog"/>) this route,
    /// or every route of this group, can answer besides those every route has.
    /// </summary>
    public static TBuilder Problems<TBuilder>(this TBuilder builder, params string[] names) where TBuilder : IEndpointConventionBuilder
    {
        // At start-up, so a misspelt name never reaches a document.
        if (names.FirstOrDefault(n => !ProblemCatalog.IsKnown(n)) is { } unknown)
            throw new ArgumentException($"'{unknown}' is not a problem name of ProblemCatalog.", nameof(names));
        return builder.WithMetadata(new DeclaredProblems(names));
    }

    /// <summary>Every problem name a route with this metadata can answer, ordered by status, then name.</summary>
    public static IReadOnlyList<string> Of(IReadOnlyList<object> endpointMetadata)
    {
        var names = new HashSet<string>(EveryRoute, StringComparer.Ordinal);
        var methods = endpointMetadata.OfType<IHttpMethodMetadata>().LastOrDefault()?.HttpMethods ?? [];
        if (methods.Any(m => !HttpMethods.IsGet(m) && !HttpMethods.IsHead(m)))
            names.UnionWith(EveryWrite);
        if (endpointMetadata.OfType<IAcceptsMetadata>().Any())
            names.UnionWith(EveryJsonBody);
        foreach (var declared in endpointMetadata.OfType<DeclaredProblems>())
            names.UnionWith(declared.Names);
        return [.. names.OrderBy(ProblemCatalog.StatusOf).ThenBy(n => n, StringComparer.Ordinal)];
    }
}
