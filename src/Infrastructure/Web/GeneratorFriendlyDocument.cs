using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace HaloBestie.Infrastructure.Web;

/// <summary>
/// Makes both OpenAPI documents say what client generators (the apps' Dart, the console's
/// TypeScript) need to produce exact types (issue 20, ADR 0024):
/// <list type="bullet">
/// <item>every property the code never leaves null is <c>required</c> (C#'s nullable annotations
/// decide: <c>string?</c>, <c>int?</c> are optional and nullable, everything else required);</item>
/// <item>a nullable reference to another schema is <c>type: object, nullable, allOf: [$ref]</c>
/// instead of a one-element <c>oneOf</c> (which one Dart generator turns into <c>dynamic</c>);</item>
/// <item>GUIDs are <c>format: uuid</c> (OpenAPI's name; NSwag writes <c>guid</c>);</item>
/// <item>operations open to anyone say so (<c>security: [{}]</c>), and the app events of <see cref="AppEventTypes"/> are added as named schemas with
/// their <c>event:</c> name in <c>x-event-name</c>.</item>
/// </list>
/// <c>redocly lint</c> checks both documents in <c>scripts/test</c>.
/// </summary>
public sealed class GeneratorFriendlyDocument(IReadOnlyList<(Type Type, string Name)> appEventTypes) : IDocumentProcessor
{
    public const string EventNameExtension = "x-event-name";

    public void Process(DocumentProcessorContext context)
    {
        var document = context.Document;
        foreach (var (type, name) in appEventTypes)
        {
            var schema = context.SchemaGenerator.Generate(type, context.SchemaResolver);
            schema.ExtensionData ??= new Dictionary<string, object?>();
            schema.ExtensionData[EventNameExtension] = name;
            schema.Description = $"The data of the app event `{name}` (docs/realtime.md).";
        }

        DescribeProblemMembers(document);
        var seen = new HashSet<JsonSchema>();
        foreach (var schema in document.Components.Schemas.Values)
            Fix(schema, seen);
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Values))
        {
            foreach (var parameter in operation.Parameters)
                Fix(parameter.Schema ?? parameter, seen);
            foreach (var media in (operation.RequestBody?.Content.Values ?? []).Concat(operation.Responses.Values.SelectMany(r => r.Content.Values)))
                Fix(media.Schema, seen);
            if (operation.Security is null || operation.Security.Count == 0)
                operation.Security = [new OpenApiSecurityRequirement()]; // `security: [{}]`: no token needed
        }
    }

    /// <summary>The members of our problem answers that generated clients should read by name: <c>code</c> and a validation answer's <c>errorCodes</c>.</summary>
    private static void DescribeProblemMembers(OpenApiDocument document)
    {
        if (document.Components.Schemas.TryGetValue("ProblemDetails", out var problem) && !problem.Properties.ContainsKey("code"))
        {
            problem.Properties["code"] = new JsonSchemaProperty
            {
                Type = JsonObjectType.String,
                IsNullableRaw = true,
                Description = "Which cause, where one type covers several (docs/authentication.md, Problem codes).",
            };
        }
        if (document.Components.Schemas.TryGetValue("HttpValidationProblemDetails", out var validation)
            && validation.AllOf.LastOrDefault() is { } own && !own.Properties.ContainsKey("errorCodes"))
        {
            own.Properties["errorCodes"] = new JsonSchemaProperty
            {
                Type = JsonObjectType.Object,
                AdditionalPropertiesSchema = new JsonSchema { Type = JsonObjectType.Array, Item = new JsonSchema { Type = JsonObjectType.String } },
                Description = "Each field's error codes, in the order of its messages in errors (docs/authentication.md, Validation codes).",
            };
            own.RequiredProperties.Add("errorCodes");
        }
    }

    private static void Fix(JsonSchema? schema, HashSet<JsonSchema> seen)
    {
        if (schema is null || !seen.Add(schema))
            return;
        // Any JSON value (a problem's extension members): a `nullable` without a `type` means nothing in OpenAPI 3.0.
        if (schema.IsNullableRaw == true && schema.Type == JsonObjectType.None && !schema.HasReference && schema.AllOf.Count + schema.OneOf.Count + schema.AnyOf.Count == 0)
            schema.IsNullableRaw = null;
        if (schema.Format == "guid")
            schema.Format = "uuid"; // OpenAPI's name; NJsonSchema reads it as a Guid too
        foreach (var (name, property) in schema.Properties)
        {
            if (property.IsNullableRaw != true && !schema.RequiredProperties.Contains(name))
                schema.RequiredProperties.Add(name);
            if (property.OneOf.Count == 1 && property.OneOf.Single().HasReference)
            {
                var target = property.OneOf.Single();
                property.OneOf.Clear();
                property.AllOf.Add(target);
            }
            Fix(property, seen);
        }
        Fix(schema.Item, seen);
        Fix(schema.AdditionalPropertiesSchema, seen);
        foreach (var inner in schema.AllOf.Concat(schema.OneOf).Concat(schema.AnyOf).Concat(schema.Items))
            Fix(inner, seen);
    }
}
