using System.Collections.Concurrent;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace HaloBestie.Infrastructure.Web;

/// <summary>
/// Development and Test only (ADR 0021): each problem a route answers that its contract
/// (<see cref="ProblemContract"/>) does not declare is logged and kept, so a handler and its
/// endpoint line cannot drift apart unnoticed. Every problem answer of the hosts is written
/// through <see cref="IProblemDetailsService"/>, whose customisation calls <see cref="Check"/>; the
/// integration-test fixture fails a test class that produced any, which makes every integration
/// test (the access matrix and the hostile-input test reach every route) a drift check.
/// </summary>
public sealed partial class UndeclaredProblems(ILogger<UndeclaredProblems> logger)
{
    private readonly ConcurrentDictionary<string, byte> _found = new(StringComparer.Ordinal);

    /// <summary>One line per route and undeclared name seen so far.</summary>
    public IReadOnlyCollection<string> Found => [.. _found.Keys.Order(StringComparer.Ordinal)];

    public void Check(HttpContext context, ProblemDetails problem)
    {
        // The exception handler clears the endpoint before it writes; its feature keeps it.
        var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        // No route matched (404 for an unknown path, 405): no route's contract is involved.
        if (endpoint is not RouteEndpoint route)
            return;
        var name = ProblemCatalog.NameOf(problem);
        if (name is null || name == ProblemCatalog.Internal || ProblemContract.Of(route.Metadata).Contains(name))
            return;

        var methods = string.Join(",", route.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]);
        var line = $"{methods} {route.RoutePattern.RawText} answered {problem.Status} {name}, which it does not declare: add it to the route's .Problems(…) (ADR 0021)";
        if (_found.TryAdd(line, 0))
            LogUndeclared(logger, line);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Undeclared problem: {Line}")]
    private static partial void LogUndeclared(ILogger logger, string line);
}
