using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Namotion.Reflection;
using NJsonSchema;
using NSwag;
using NSwag.Generation.AspNetCore;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace HaloBestie.Infrastructure.Web;

/// <summary>
/// Writes what an endpoint line says into its OpenAPI operation (ADR 0021), hence into the
/// committed documents and the generated clients' doc comments:
/// <list type="bullet">
/// <item><c>.WithSummary</c> and <c>.WithDescription</c>. NSwag 14 takes an operation's texts only
/// from attributes and XML docs of the handler method, which a minimal-API lambda has none of,
/// and ignores the endpoint metadata these two calls add.</item>
/// <item>One response per status of the route's problem contract (<see cref="ProblemContract"/>):
/// <c>application/problem+json</c>, the <c>ProblemDetails</c> schema (<c>HttpValidationProblemDetails</c>
/// for 400), the names it covers as its description. The same list closes the operation's
/// description, since the clients' doc comments show that and not the responses.</item>
/// </list>
/// </summary>
public sealed class EndpointContractProcessor : IOperationProcessor
{
    private const string ProblemJson = "application/problem+json";

    public bool Process(OperationProcessorContext context)
    {
        if (context is not AspNetCoreOperationProcessorContext aspNet)
            return true;
        var metadata = aspNet.ApiDescription.ActionDescriptor.EndpointMetadata;
        var operation = context.OperationDescription.Operation;

        if (metadata.OfType<IEndpointSummaryMetadata>().LastOrDefault() is { } summary)
            operation.Summary = summary.Summary;

        var byStatus = ProblemContract.Of([.. metadata])
            .GroupBy(ProblemCatalog.StatusOf)
            .ToDictionary(g => g.Key.ToString(CultureInfo.InvariantCulture), g => g.ToList());
        // A problem answer declared another way (ProducesProblem) would carry no names: one way only.
        if (operation.Responses.Keys.FirstOrDefault(k => IsProblemStatus(k) && !byStatus.ContainsKey(k)) is { } stray)
            throw new InvalidOperationException(
                $"{context.OperationDescription.Method.ToUpperInvariant()} {context.OperationDescription.Path} declares a {stray} answer without problem names; declare them with .Problems(…) (ADR 0021).");

        foreach (var (status, names) in byStatus)
        {
            var type = status == "400" ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails);
            var response = new OpenApiResponse { Description = string.Join(", ", names) };
            response.Content[ProblemJson] = new OpenApiMediaType
            {
                Schema = context.SchemaGenerator.GenerateWithReferenceAndNullability<JsonSchema>(type.ToContextualType(), false, context.SchemaResolver),
            };
            operation.Responses[status] = response;
        }

        // Success first, then the problems by status, whatever order the metadata came in.
        var ordered = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (status, response) in ordered)
            operation.Responses[status] = response;

        var problems = "Problems: " + string.Join("; ", byStatus.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {string.Join(", ", s.Value)}")) + ".";
        operation.Description = metadata.OfType<IEndpointDescriptionMetadata>().LastOrDefault() is { } description
            ? description.Description + "\n\n" + problems
            : problems;
        return true;
    }

    private static bool IsProblemStatus(string status) =>
        int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code >= 400;
}
