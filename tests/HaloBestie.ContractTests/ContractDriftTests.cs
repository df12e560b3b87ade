using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HaloBestie.ContractTests;

/// <summary>
/// The committed OpenAPI documents and generated clients under clients/ must be what the code
/// produces now. With HALOBESTIE_UPDATE_CONTRACTS=1 (scripts/generate-clients) the test writes
/// them instead of comparing. Serving the documents needs no PostgreSQL or Valkey: the
/// connection strings point nowhere.
/// </summary>
public class ContractDriftTests
{
    private static readonly bool Update = Environment.GetEnvironmentVariable("HALOBESTIE_UPDATE_CONTRACTS") == "1";
    private static readonly string RepositoryRoot = FindRepositoryRoot();
    private static readonly string Clients = Path.Combine(RepositoryRoot, "clients");

    public static TheoryData<string> Hosts => ["public", "internal"];

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task GenerateClients_when_run_on_the_code_matches_the_committed_document_and_clients(string host)
    {
        var document = Normalize(host == "public"
            ? await DocumentOf(new WebApplicationFactory<Api.Public.Program>())
            : await DocumentOf(new WebApplicationFactory<Api.Internal.Program>()));
        var documentPath = Path.Combine(Clients, $"{host}.openapi.json");
        var className = host == "public" ? "PublicApiClient" : "InternalApiClient";
        var csharpPath = Path.Combine(Clients, "csharp", $"{className}.cs");
        var typescriptPath = Path.Combine(Clients, "typescript", $"{host}-api.ts");

        if (Update)
        {
            await File.WriteAllTextAsync(documentPath, document);
            await GenerateAsync(host, className, documentPath, csharpPath, typescriptPath);
            return;
        }

        File.Exists(documentPath).Should().BeTrue($"{documentPath} is committed; run scripts/generate-clients");
        (await File.ReadAllTextAsync(documentPath)).Should().Be(document,
            $"clients/{host}.openapi.json must match the running host; run scripts/generate-clients and commit the result");

        var temp = Directory.CreateTempSubdirectory("halobestie-clients-").FullName;
        try
        {
            var freshCsharp = Path.Combine(temp, "client.cs");
            var freshTypescript = Path.Combine(temp, "client.ts");
            await GenerateAsync(host, className, documentPath, freshCsharp, freshTypescript);
            (await File.ReadAllTextAsync(csharpPath)).Should().Be(await File.ReadAllTextAsync(freshCsharp),
                "the committed C# client must be generated from the committed document; run scripts/generate-clients");
            (await File.ReadAllTextAsync(typescriptPath)).Should().Be(await File.ReadAllTextAsync(freshTypescript),
                "the committed TypeScript client must be generated from the committed document; run scripts/generate-clients");
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static async Task<string> DocumentOf<T>(WebApplicationFactory<T> factory) where T : class
    {
        await using var host = factory.WithWebHostBuilder(b => b
            .UseEnvironment("Test")
            .UseSetting("ConnectionStrings:Postgres", "Host=127.0.0.1;Port=1;Database=none")
            .UseSetting("ConnectionStrings:Valkey", "127.0.0.1:1")
            .UseSetting("ControlCenter:TokenSigningKey", new string('k', 48))
            .UseSetting("ControlCenter:BootstrapAdmin:Email", "")
            .UseSetting("Firebase:ProjectId", "halobestie-test")
            .UseSetting("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099"));
        using var http = host.CreateClient();
        return await http.GetStringAsync("/swagger/v1/swagger.json");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HaloBestie.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("HaloBestie.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Normalize(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    /// <summary>The same NSwag commands scripts/generate-clients documents (NSwag.ConsoleCore, a local dotnet tool).</summary>
    private static async Task GenerateAsync(string host, string className, string document, string csharp, string typescript)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(csharp)!);
        Directory.CreateDirectory(Path.GetDirectoryName(typescript)!);
        var ns = host == "public" ? "HaloBestie.Clients.Public" : "HaloBestie.Clients.Internal";
        await Nswag("openapi2csclient", $"/input:{document}", $"/output:{csharp}", $"/namespace:{ns}", $"/className:{className}",
            // 9.0: string enums carry JsonStringEnumMemberName, so "ending-soon" reads and writes as the server spells it.
            "/jsonLibrary:SystemTextJson", "/jsonLibraryVersion:9.0", "/useBaseUrl:false", "/generateClientInterfaces:true",
            "/operationGenerationMode:SingleClientFromOperationId",
            "/generateNullableReferenceTypes:true",
            // Times in query strings keep their offset (NSwag's default "s" drops it: an operator's
            // +07:00 would be read as UTC, seven hours off).
            "/parameterDateTimeFormat:o");
        await Nswag("openapi2tsclient", $"/input:{document}", $"/output:{typescript}", $"/className:{className}",
            "/template:Fetch", "/operationGenerationMode:SingleClientFromOperationId", "/typeScriptVersion:5.0",
            // Every failure is an ApiException (an Error with status, headers and the problem as
            // result), not the bare problem body: the console needs Retry-After and a stack (ADR 0027).
            "/wrapDtoExceptions:true",
            // NSwag's doc-comment template with the operation's description (the route's problems) added.
            $"/templateDirectory:{Path.Combine(Clients, "templates", "typescript")}");
    }

    private static async Task Nswag(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("nswag");
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.Should().Be(0, $"dotnet nswag {args[0]} failed (run `dotnet tool restore`): {await output}{await errors}");
    }
}
