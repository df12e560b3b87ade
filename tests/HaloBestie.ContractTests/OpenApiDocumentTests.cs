using System.Text.Json.Nodes;
using HaloBestie.Application.Realtime;

namespace HaloBestie.ContractTests;

/// <summary>
/// The committed documents are what the apps' generators read (issue 20, ADR 0024); ContractDriftTests
/// keeps them equal to the running hosts. These check what a Dart generator needs of them.
/// </summary>
public class OpenApiDocumentTests
{
    public static TheoryData<string> Hosts => new() { "public", "internal" };

    private static JsonObject Document(string host)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "clients", $"{host}.openapi.json");
            if (File.Exists(path))
                return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        }
        throw new InvalidOperationException($"clients/{host}.openapi.json not found above {AppContext.BaseDirectory}");
    }

    private static IEnumerable<(string Schema, JsonObject Body)> Schemas(JsonObject document) =>
        document["components"]!["schemas"]!.AsObject().Select(s => (s.Key, s.Value!.AsObject()));

    private static IEnumerable<JsonObject> AllObjects(JsonNode? node) => node switch
    {
        JsonObject o => [o, .. o.SelectMany(p => AllObjects(p.Value))],
        JsonArray a => a.SelectMany(AllObjects),
        _ => [],
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Document_when_a_property_is_never_null_lists_it_as_required(string host)
    {
        var missing = new List<string>();
        foreach (var (name, schema) in Schemas(Document(host)))
        {
            var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
            foreach (var (property, body) in schema["properties"]?.AsObject() ?? [])
            {
                if (body!["nullable"]?.GetValue<bool>() != true && !required.Contains(property))
                    missing.Add($"{name}.{property}");
            }
        }

        missing.Should().BeEmpty("a property the server always sends must be required, or every Dart field turns nullable");
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Document_when_read_by_a_generator_has_uuids_no_one_element_one_of_and_a_summary_everywhere(string host)
    {
        var document = Document(host);
        var objects = AllObjects(document).ToList();

        objects.Where(o => o["format"]?.GetValue<string>() == "guid").Should().BeEmpty("OpenAPI names it uuid");
        objects.Where(o => o["oneOf"] is JsonArray { Count: 1 }).Should().BeEmpty();
        var operations = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => (Route: $"{m.Key} {p.Key}", Operation: m.Value!.AsObject()))).ToList();
        operations.Where(o => string.IsNullOrWhiteSpace(o.Operation["summary"]?.GetValue<string>())).Select(o => o.Route).Should().BeEmpty();
        operations.Where(o => o.Operation["security"] is null).Select(o => o.Route).Should().BeEmpty("each operation says whether it needs a token");
    }

    [Fact]
    public void Public_document_when_read_by_the_apps_lists_every_app_event_and_not_the_xendit_webhook()
    {
        var document = Document("public");

        document["paths"]!.AsObject().Select(p => p.Key).Should().NotContain(p => p.Contains("xendit", StringComparison.Ordinal));
        var events = Schemas(document).Where(s => s.Body["x-event-name"] is not null).Select(s => s.Body["x-event-name"]!.GetValue<string>());
        events.Should().BeEquivalentTo(AppEvents.All.Select(e => e.Name));
        AppEvents.All.Select(e => e.Name).Should().Contain(["pairing.offered", "message.created", "risk.flagged"]);
    }
}
