using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using HaloBestie.Infrastructure.Web;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HaloBestie.IntegrationTests.Hostile;

/// <summary>
/// Property: whatever arrives — malformed JSON, wrong types, long or strange strings, deep nesting,
/// odd numbers, invalid GUIDs and dates in routes and query strings, a garbage <c>Last-Event-ID</c> —
/// no route of either host answers 500, and every error is an RFC 9457 problem. The routes come from
/// each host's own route table (the event streams, health checks and the Xendit webhook included,
/// which the OpenAPI documents leave out), their query parameters from the committed documents; a
/// new route is covered without editing this test, and each run checks that every route was sent
/// something.
/// </summary>
public class HostileInputTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private sealed record Operation(string Method, string Path, IReadOnlyList<string> Query);

    /// <summary>Every route the host maps (health checks answer any method: listed as GET), with the query parameters the document names.</summary>
    private static List<Operation> OperationsOf(string host, IServiceProvider services)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestServers.RepositoryRoot, "clients", $"{host}.openapi.json")));
        var documented = new Dictionary<string, List<string>>();
        foreach (var path in doc.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                documented[$"{op.Name.ToUpperInvariant()} {path.Name}"] = op.Value.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToList()
                    : [];
            }
        }
        return services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method =>
            {
                var path = "/" + (e.RoutePattern.RawText ?? "").Trim('/');
                var key = $"{method} {System.Text.RegularExpressions.Regex.Replace(path, ":[^}]+}", "}")}";
                return new Operation(method, path, documented.GetValueOrDefault(key) ?? []);
            }))
            .DistinctBy(o => (o.Method, o.Path))
            .ToList();
    }

    // The seed (one that once found a bug) fixes CsCheck's first draw only: the other draws are new
    // on every run, so a run can find a new bug, and the sweep after the draw sends every route one
    // request whatever was drawn. HALOBESTIE_EXPLORE=1 leaves the first draw random too; CsCheck
    // prints the seed of a failure, replay it with CsCheck_Seed=<seed>.
    private static readonly string? Seed =
        Environment.GetEnvironmentVariable("HALOBESTIE_EXPLORE") == "1" || Environment.GetEnvironmentVariable("CsCheck_Seed") is not null ? null : "9GDD9VlcG3V2";

    private static readonly string[] NastyStrings =
    [
        "", " ", "null", "true", "-1", "0", "99999999999999999999999", "-9223372036854775809", "1e309", "NaN", "2026-13-45T25:61:00Z",
        "00000000-0000-0000-0000-000000000000", "not-a-guid", "'; drop table mt_events; --", "<script>alert(1)</script>",
        "\u0000", "\uFFFF", "\uD800", "😊👨‍👩‍👧‍👦", "ا\u200Fلعربية", "Ǳ̵̡̛̭̦̼͔̞̓͋", new string('x', 5000), "%00", "../../etc/passwd", "{\"a\":1}",
    ];

    private static readonly Gen<string> Text = Gen.OneOf(Gen.OneOf(NastyStrings), Gen.String[0, 40]);

    // Query values are also well-formed times with any offset (an operator's +07:00, -12:00,
    // +14:00) and precision, and the ends of the calendar: Npgsql takes only UTC for timestamptz,
    // and a time that reaches PostgreSQL with its offset answered 500.
    private static readonly Gen<string> Time = Gen.OneOf(
        Gen.Select(Gen.DateTime[new DateTime(2000, 1, 1), new DateTime(2100, 1, 1)], Gen.Int[-48, 56],
            (d, quarters) => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Unspecified), TimeSpan.FromMinutes(15 * quarters))
                .ToString("o", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOf("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z", "2026-11-26T10:15:00+07:00"));

    private static readonly Gen<string> QueryValue = Gen.OneOf(Text, Time);

    private static readonly Gen<string> JsonValue = Gen.OneOf(
        Text.Select(s => JsonSerializer.Serialize(s)),
        Gen.Long.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "1e400"),
        Gen.OneOf("true", "false", "null", "[]", "{}", "[[[[[[]]]]]]", "\"" + new string('y', 3000) + "\""));

    private static readonly string[] Fields =
    [
        "email", "password", "name", "role", "isActive", "fullName", "phoneNumber", "alias", "bio", "specialties", "reason",
        "displayName", "online", "state", "topic", "note", "maxCustomers", "toMitraId", "force", "packageId", "sessions", "priceIdr",
        "maxCustomersPerMitra", "pairingTimeoutSeconds", "heartbeatIntervalSeconds", "heartbeatTimeoutSeconds", "topics", "timeZone", "anonymity",
    ];

    private static readonly Gen<string> Body = Gen.OneOf(
        Gen.Int[1, 6].SelectMany(n => Gen.Select(Gen.OneOf(Fields), JsonValue).Array[n])
            .Select(pairs => "{" + string.Join(",", pairs.Select(p => $"\"{p.Item1}\":{p.Item2}")) + "}"),
        JsonValue,
        Gen.OneOf("", "{", "{\"a\":", "[1,2", "{'single':'quotes'}", "\u0000", new string('[', 200) + new string(']', 200),
            "{\"a\":" + string.Concat(Enumerable.Repeat("{\"b\":", 100)) + "1" + new string('}', 101)));

    // A NUL in the path never reaches the application: Kestrel refuses it with 400 at the protocol
    // level, and the in-process test server cannot even carry it, so route values leave it out.
    private static readonly Gen<string> RouteValue = Gen.OneOf(
        Gen.Guid.Select(g => g.ToString()),
        Text.Where(t => !t.Contains('\0', StringComparison.Ordinal) && t != "%00").Select(Uri.EscapeDataString));

    [Theory]
    [InlineData("internal")]
    [InlineData("public-client")]
    [InlineData("public-mitra")]
    public async Task Route_when_sent_hostile_input_never_answers_500_and_every_route_is_sampled(string caller)
    {
        var host = caller == "internal" ? "internal" : "public";
        var operations = OperationsOf(host, host == "internal" ? hosts.Internal.Services : hosts.Public.Services);
        using var http = host == "internal" ? hosts.Internal.CreateClient() : hosts.Public.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenFor(caller));
        var sampled = new HashSet<Operation>();

        // Each query value goes to any of the route's parameters (not only the first ones), so a
        // later parameter is also reached with the earlier ones absent or valid.
        var gen = Gen.Select(Gen.Int[0, operations.Count - 1], RouteValue, Gen.Select(Gen.Int[0, 15], QueryValue).Array[0, 3], Body, (i, r, q, b) => new Sent(i, r, q, b));
        await gen.SampleAsync(sent => SendAsync(http, operations[sent.Index], sent, sampled), seed: Seed, iter: 1500, threads: 1);

        // Then every route once more with one hostile sample each, so that none is left out by the draw.
        foreach (var op in operations)
            await SendAsync(http, op, new Sent(0, "not-a-guid", [(0, "%%not-a-value")], "{\"a\":"), sampled);
        sampled.Should().BeEquivalentTo(operations, "every route of the host was sent something");
        operations.Select(o => o.Path).Should().Contain(host == "internal" ? ["/health/live", "/health/ready", "/api/internal/dashboard/events"] : ["/health/live", "/api/client/events", "/api/mitra/events"]);
    }

    private static async Task SendAsync(HttpClient http, Operation op, Sent sent, HashSet<Operation> sampled)
    {
        var (_, routeValue, queryValues, body) = sent;
        var path = System.Text.RegularExpressions.Regex.Replace(op.Path, "{[^}]+}", routeValue);
        var query = op.Query.Count == 0 ? "" : string.Join("&", queryValues.Select(v => $"{op.Query[v.Item1 % op.Query.Count]}={Uri.EscapeDataString(v.Item2)}"));
        using var request = new HttpRequestMessage(new HttpMethod(op.Method), query.Length == 0 ? path : $"{path}?{query}");
        if (op.Method is "POST" or "PUT")
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (op.Path.EndsWith("/events", StringComparison.Ordinal))
            request.Headers.TryAddWithoutValidation("Last-Event-ID", routeValue.Length > 0 ? routeValue : "-1");

        // Headers only: an event stream that opens never ends, and disposing the answer lets it go.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        sampled.Add(op);

        var status = (int)response.StatusCode;
        status.Should().BeLessThan(500, $"{op.Method} {path}?{query} with body {body[..Math.Min(body.Length, 200)]} must not fail the server");
        if (status >= 400)
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json", $"{op.Method} {path} answered {status}");
    }

    [Fact]
    public async Task Request_when_a_nul_character_is_in_a_query_or_a_field_is_refused_with_400_and_stores_nothing()
    {
        var admin = await hosts.AdminAsync();
        using var http = hosts.Internal.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await hosts.AnonymousInternal().LogInAsync(new global::HaloBestie.Clients.Internal.LogIn { Email = HostsFixture.AdminEmail, Password = HostsFixture.AdminPassword })).AccessToken);

        var search = await http.GetAsync("/api/internal/clients?search=%00");
        var create = await http.PostAsync("/api/internal/mitras", new StringContent(
            "{\"fullName\":\"Siti\\u0000\",\"phoneNumber\":\"+6281299990000\",\"alias\":\"S\"}", Encoding.UTF8, "application/json"));

        ((int)search.StatusCode).Should().Be(400, await search.Content.ReadAsStringAsync());
        ((int)create.StatusCode).Should().Be(400);
        var refusedSearch = Problems.Parse(400, await search.Content.ReadAsStringAsync());
        refusedSearch.Name.Should().Be("validation");
        refusedSearch.Extensions!["code"].Should().Be("nul-character", "a query string's NUL is about the request as a whole");
        var refusedCreate = Problems.Parse(400, await create.Content.ReadAsStringAsync());
        refusedCreate.Name.Should().Be("validation");
        refusedCreate.Errors.Should().ContainKey("fullName", "a body's NUL is the field's error");
        refusedCreate.Extensions!["errorCodes"].Should().Contain("nul-character");
        (await admin.ListMitrasAsync("+6281299990000", null, null, null, null)).Total.Should().Be(0);
    }

    [Fact]
    public async Task Nul_character_is_refused_where_it_enters_before_any_statement_can_fail_on_it()
    {
        // The query string is checked before the route runs, for every route that validates its input.
        var search = hosts.Internal.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Single(e => "/" + (e.RoutePattern.RawText ?? "").Trim('/') == "/api/internal/clients" && e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") == true);
        var reached = false;
        Task Next(HttpContext _) { reached = true; return Task.CompletedTask; }
        HttpContext Calling(string query)
        {
            var context = new DefaultHttpContext();
            context.Request.QueryString = new QueryString(query);
            context.SetEndpoint(search);
            return context;
        }
        var refused = () => NulCharacters.RefuseInQueryString(Calling("?search=a%00b"), Next);
        await refused.Should().ThrowAsync<NulCharacterException>();
        reached.Should().BeFalse();
        await NulCharacters.RefuseInQueryString(Calling("?search=a%2500b"), Next); // the text "%00", not a NUL
        reached.Should().BeTrue();
        // A route that reads no input it validates ignores its query string (its contract has no 400).
        var live = hosts.Internal.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Single(e => "/" + (e.RoutePattern.RawText ?? "").Trim('/') == "/health/live");
        var probe = Calling("?probe=%00");
        probe.SetEndpoint(live);
        reached = false;
        await NulCharacters.RefuseInQueryString(probe, Next);
        reached.Should().BeTrue();

        // Bodies are read with the hosts' JSON options, which refuse an escaped U+0000 in any string.
        foreach (var services in new[] { hosts.Public.Services, hosts.Internal.Services })
        {
            var json = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            var read = () => JsonSerializer.Deserialize<Dictionary<string, string>>("{\"text\":\"a\\u0000b\"}", json);
            read.Should().Throw<NulCharacterException>();
            JsonSerializer.Deserialize<Dictionary<string, string>>("{\"text\":\"a\\u0041\\n\"}", json)!["text"].Should().Be("aA\n");
        }
    }

    private sealed record Sent(int Index, string RouteValue, (int, string)[] QueryValues, string Body);

    private async Task<string> TokenFor(string caller)
    {
        switch (caller)
        {
            case "internal":
                var login = await hosts.AnonymousInternal().LogInAsync(new global::HaloBestie.Clients.Internal.LogIn { Email = HostsFixture.AdminEmail, Password = HostsFixture.AdminPassword });
                return login.AccessToken;
            case "public-client":
                return (await hosts.NewRegisteredClientAsync()).Token;
            default:
                return (await hosts.NewSignedInMitraAsync()).Token;
        }
    }
}
