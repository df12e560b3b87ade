using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using NJsonSchema;
using NJsonSchema.Generation;

namespace HaloBestie.Infrastructure.Web;

/// <summary>
/// A string property whose values are a fixed list of codes (<c>sender</c>, <c>endedBy</c>,
/// <c>closedReason</c>…) carries <see cref="AllowedValuesAttribute"/> (on a record's parameter:
/// <c>[property: AllowedValues(…)]</c>); the documents then declare it as an <c>enum</c>, so
/// generated clients get a real enum instead of a free string (ADR 0024). Codes are added, never
/// renamed: an app must treat an unknown value as "other".
/// </summary>
public sealed class AllowedValuesAsEnums : ISchemaProcessor
{
    public void Process(SchemaProcessorContext context)
    {
        foreach (var property in context.ContextualType.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<AllowedValuesAttribute>() is not { } allowed
                || !context.Schema.Properties.TryGetValue(JsonNamingPolicy.CamelCase.ConvertName(property.Name), out var schema))
                continue;
            schema.Type = JsonObjectType.String; // null stays expressed by `nullable`
            schema.Enumeration.Clear();
            foreach (var value in allowed.Values.OfType<string>())
                schema.Enumeration.Add(value);
        }
    }
}
