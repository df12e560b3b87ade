using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using StaffRole = HaloBestie.Clients.Internal.StaffRole;

namespace HaloBestie.IntegrationTests.Access;

/// <summary>
/// Every route of both hosts × every kind of caller answers as intended (issue 9, item 4). The
/// routes come from each host's own route table, so a route without a row below fails the test
/// until someone decides who may call it. Real resources stand behind every route id: a client's
/// pairing request, session and payment; a mitra's session; an open request; and, for the control
/// center, a mitra, a client, a session, a staff account and a package of their own.
/// </summary>
public sealed partial class AccessMatrixTests(HostsFixture hosts) : IClassFixture<HostsFixture>, IAsyncLifetime
{
    /// <summary>The callers, in the order of the columns of the tables below.</summary>
    private enum Caller { None, Expired, WrongAudience, Client, OtherClient, Mitra, OtherMitra, InactiveMitra, Operator, Admin }

    /// <summary>Which real resource a route's <c>{id}</c> names.</summary>
    private enum Resource { None, ClientRequest, ClientSession, ClientPayment, OpenRequest, MitraSession, TargetMitra, TargetClient, TargetSession, TargetStaff, Package, RiskFlag, AcceptableRequest, Installation }

    /// <summary>One row: the intended answer of each caller, and what the request carries.</summary>
    /// <param name="Shows">
    /// A resource this route's 2xx answer must name for the caller who owns it, and must not name for
    /// any other caller (a list showing one client's data to another fails here). Routes with an id
    /// show their own resource; <c>/me</c> routes show the caller (<see cref="Resource.None"/> there
    /// means: the caller's own id).
    /// </param>
    private sealed record Row(string Method, string Route, string Answers, Resource Id = Resource.None, string? Body = null, string? Query = null, Resource? Shows = null)
    {
        public string Key => $"{Method} {Route}";
    }

    // Answer classes, one column per caller:
    //   ok   the intended caller succeeds: a 2xx (an event stream: 200, text/event-stream, then its
    //        first frame), and the answer names what the row's Shows says (its own data).
    //   =x   a documented business answer of the use case: the problem named x (the row's state allows
    //        no success for that caller: an end after the other party's end, a second acknowledge…).
    //   401  unauthorized        403  forbidden        404  not-found: someone else's resource
    //   nam  403 not-a-mitra     ina  403 mitra-inactive
    // Caller tokens: none; expired and wrong-audience tokens of the client (public host) or of the
    // admin (internal host); Firebase tokens of two clients, two active mitras and a deactivated
    // mitra; staff tokens of an operator and an admin. Rows run top to bottom, each caller left to
    // right, so a row that changes state (an end, an accept) comes after the rows that read it.
    private static readonly Row[] PublicRows =
    [
        //                                                                      none exp  aud  cli  oth  mit  omi  ina  opr  adm
        new("GET",    "/health/live",                                          "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        new("GET",    "/health/ready",                                         "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        new("GET",    "/api/shared/config",                                    "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        // The webhook answers to Xendit's x-callback-token only: a bearer token grants nothing.
        new("POST",   "/api/shared/payments/xendit/callback",                  "401  401  401  401  401  401  401  401  401  401", Body: """{"external_id":"x","status":"PAID"}"""),
        new("POST",   "/api/client/auth/session",                              "401  401  401  ok   ok   403  403  403  401  401", Shows: Resource.None),
        new("POST",   "/api/client/auth/register",                             "401  401  401  ok   ok   403  403  403  401  401", Shows: Resource.None),
        new("GET",    "/api/client/me",                                        "401  401  401  ok   ok   403  403  403  401  401", Shows: Resource.None),
        new("PUT",    "/api/client/me/display-name",                           "401  401  401  ok   ok   403  403  403  401  401", Body: """{"displayName":"Putri Ayu"}""", Shows: Resource.None),
        new("GET",    "/api/client/me/export",                                 "401  401  401  ok   ok   403  403  403  401  401", Shows: Resource.None),
        // The clients' tokens here are of a sign-in 10 minutes old: the erasure itself is DataRights/DataRightsTests.
        new("DELETE", "/api/client/me",                                        "401  401  401  =reauthentication-required  =reauthentication-required  403  403  403  401  401"),
        new("GET",    "/api/client/events",                                    "401  401  401  ok   ok   403  403  403  401  401"),
        new("GET",    "/api/client/entitlements",                              "401  401  401  ok   ok   403  403  403  401  401"),
        new("GET",    "/api/client/packages",                                  "401  401  401  ok   ok   403  403  403  401  401"),
        new("GET",    "/api/client/payments/{id:guid}",                        "401  401  401  ok   404  403  403  403  401  401", Resource.ClientPayment, Shows: Resource.ClientPayment),
        new("POST",   "/api/client/payments",                                  "401  401  401  ok   ok   403  403  403  401  401", Body: """{"packageId":"{package}"}"""),
        // The client is in a session; the other client has nothing open, so its request starts searching.
        new("POST",   "/api/client/pairing-requests",                          "401  401  401  =already-in-session ok 403 403 403 401 401", Body: "{}"),
        new("GET",    "/api/client/pairing-requests/current",                  "401  401  401  =not-found ok  403  403  403  401  401"),
        new("GET",    "/api/client/pairing-requests/{id:guid}",                "401  401  401  ok   404  403  403  403  401  401", Resource.ClientRequest, Shows: Resource.ClientRequest),
        new("DELETE", "/api/client/pairing-requests/{id:guid}",                "401  401  401  =request-closed 404 403 403 403 401 401", Resource.ClientRequest),
        new("GET",    "/api/client/sessions/active",                           "401  401  401  ok   =not-found 403 403 403 401 401", Shows: Resource.ClientSession),
        new("GET",    "/api/client/sessions",                                  "401  401  401  ok   ok   403  403  403  401  401", Shows: Resource.ClientSession),
        new("GET",    "/api/client/sessions/{id:guid}",                        "401  401  401  ok   404  403  403  403  401  401", Resource.ClientSession, Shows: Resource.ClientSession),
        new("POST",   "/api/mitra/auth/session",                               "401  401  401  nam  nam  ok   ok   ina  401  401", Shows: Resource.None),
        new("GET",    "/api/mitra/me",                                         "401  401  401  nam  nam  ok   ok   ina  401  401", Shows: Resource.None),
        new("PUT",    "/api/mitra/status",                                     "401  401  401  nam  nam  ok   ok   ina  401  401", Body: """{"online":true}"""),
        new("POST",   "/api/mitra/heartbeat",                                  "401  401  401  nam  nam  ok   ok   ina  401  401"),
        new("POST",   "/api/mitra/lifecycle",                                  "401  401  401  nam  nam  ok   ok   ina  401  401", Body: """{"state":"foreground"}"""),
        new("GET",    "/api/mitra/events",                                     "401  401  401  nam  nam  ok   ok   ina  401  401"),
        new("GET",    "/api/mitra/pairing-requests",                           "401  401  401  nam  nam  ok   ok   ina  401  401"),
        new("GET",    "/api/mitra/sessions",                                   "401  401  401  nam  nam  ok   ok   ina  401  401", Shows: Resource.MitraSession),
        new("GET",    "/api/mitra/sessions/active",                            "401  401  401  nam  nam  ok   ok   ina  401  401", Shows: Resource.MitraSession),
        // Open requests are offered to every available mitra: each may pass on one; the first accept of another wins.
        new("POST",   "/api/mitra/pairing-requests/{id:guid}/decline",         "401  401  401  nam  nam  ok   ok   ina  401  401", Resource.OpenRequest),
        new("POST",   "/api/mitra/pairing-requests/{id:guid}/accept",          "401  401  401  nam  nam  ok   =already-taken ina 401 401", Resource.AcceptableRequest),
        new("GET",    "/api/mitra/sessions/{id:guid}",                         "401  401  401  nam  nam  ok   404  ina  401  401", Resource.MitraSession, Shows: Resource.MitraSession),
        new("PUT",    "/api/mitra/sessions/{id:guid}/messages/{messageId:guid}", "401  401  401  nam  nam  ok   404  ina  401  401", Resource.MitraSession, """{"text":"matrix"}"""),
        new("GET",    "/api/mitra/sessions/{id:guid}/messages",                "401  401  401  nam  nam  ok   404  ina  401  401", Resource.MitraSession),
        new("POST",   "/api/mitra/sessions/{id:guid}/read",                    "401  401  401  nam  nam  ok   404  ina  401  401", Resource.MitraSession, """{"upToSeq":1}"""),
        new("POST",   "/api/mitra/sessions/{id:guid}/typing",                  "401  401  401  nam  nam  ok   404  ina  401  401", Resource.MitraSession),
        new("PUT",    "/api/client/sessions/{id:guid}/messages/{messageId:guid}", "401  401  401  ok   404  403  403  403  401  401", Resource.ClientSession, """{"text":"matrix"}"""),
        new("GET",    "/api/client/sessions/{id:guid}/messages",               "401  401  401  ok   404  403  403  403  401  401", Resource.ClientSession),
        new("POST",   "/api/client/sessions/{id:guid}/read",                   "401  401  401  ok   404  403  403  403  401  401", Resource.ClientSession, """{"upToSeq":1}"""),
        new("POST",   "/api/client/sessions/{id:guid}/typing",                 "401  401  401  ok   404  403  403  403  401  401", Resource.ClientSession),
        // An installation belongs to whoever registered it last (a phone changes hands); sign-out removes only one's own.
        new("PUT",    "/api/client/devices/{installationId}",                  "401  401  401  ok   ok   403  403  403  401  401", Resource.Installation, Body: """{"fcmToken":"matrix-client-token","platform":"android"}"""),
        new("DELETE", "/api/client/devices/{installationId}",                  "401  401  401  ok   ok   403  403  403  401  401", Resource.Installation),
        new("PUT",    "/api/mitra/devices/{installationId}",                   "401  401  401  nam  nam  ok   ok   ina  401  401", Resource.Installation, Body: """{"fcmToken":"matrix-mitra-token","platform":"ios"}"""),
        new("DELETE", "/api/mitra/devices/{installationId}",                   "401  401  401  nam  nam  ok   ok   ina  401  401", Resource.Installation),
        // One session, two parties: the client ends it (then rates it); the mitra's end comes second.
        new("POST",   "/api/client/sessions/{id:guid}/end",                    "401  401  401  ok   404  403  403  403  401  401", Resource.ClientSession),
        new("POST",   "/api/client/sessions/{id:guid}/rating",                 "401  401  401  ok   404  403  403  403  401  401", Resource.ClientSession, """{"stars":5}"""),
        new("POST",   "/api/mitra/sessions/{id:guid}/end",                     "401  401  401  nam  nam  =session-ended 404 ina 401 401", Resource.MitraSession),
    ];

    private static readonly Row[] InternalRows =
    [
        //                                                                      none exp  aud  cli  oth  mit  omi  ina  opr  adm
        new("GET",    "/health/live",                                          "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        new("GET",    "/health/ready",                                         "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok"),
        new("POST",   "/api/internal/auth/login",                              "ok   ok   ok   ok   ok   ok   ok   ok   ok   ok", Body: """{"email":"{adminEmail}","password":"{adminPassword}"}"""),
        new("GET",    "/api/internal/auth/me",                                 "401  401  401  401  401  401  401  401  ok   ok"),
        new("GET",    "/api/internal/staff",                                   "401  401  401  401  401  401  401  401  403  ok"),
        new("POST",   "/api/internal/staff",                                   "401  401  401  401  401  401  401  401  403  ok", Body: """{"email":"{newEmail}","name":"Matrix Staff","role":"operator","password":"a-long-enough-password"}"""),
        new("PUT",    "/api/internal/staff/{id:guid}",                         "401  401  401  401  401  401  401  401  403  ok", Resource.TargetStaff, """{"name":"Target Staff","role":"operator","isActive":true}"""),
        new("GET",    "/api/internal/mitras",                                  "401  401  401  401  401  401  401  401  ok   ok"),
        new("POST",   "/api/internal/mitras",                                  "401  401  401  401  401  401  401  401  ok   ok", Body: """{"fullName":"Matrix Mitra","phoneNumber":"{newPhone}","alias":"Kak Matrix"}"""),
        new("GET",    "/api/internal/mitras/{id:guid}",                        "401  401  401  401  401  401  401  401  ok   ok", Resource.TargetMitra, Shows: Resource.TargetMitra),
        new("PUT",    "/api/internal/mitras/{id:guid}",                        "401  401  401  401  401  401  401  401  ok   ok", Resource.TargetMitra, """{"fullName":"Target Mitra","phoneNumber":"{targetPhone}","alias":"Kak Target"}"""),
        new("GET",    "/api/internal/mitras/{id:guid}/online-logs",            "401  401  401  401  401  401  401  401  ok   ok", Resource.TargetMitra),
        new("PUT",    "/api/internal/mitras/{id:guid}/capacity",               "401  401  401  401  401  401  401  401  ok   ok", Resource.TargetMitra, """{"maxCustomers":2}"""),
        new("POST",   "/api/internal/mitras/{id:guid}/force-offline",          "401  401  401  401  401  401  401  401  ok   ok", Resource.TargetMitra, """{"reason":"matrix"}"""),
        new("POST",   "/api/internal/mitras/{id:guid}/deactivate",             "401  401  401  401  401  401  401  401  ok   ok", Resource.TargetMitra, """{"reason":"matrix"}"""),
        new("POST",   "/api/internal/mitras/{id:guid}/activate",               "401  401  401  401  401  401  401  401  ok   ok", Resource.TargetMitra),
        new("GET",    "/api/internal/clients",                                 "401  401  401  401  401  401  401  401  ok   ok"),
        new("GET",    "/api/internal/clients/{id:guid}",                       "401  401  401  401  401  401  401  401  ok   ok", Resource.TargetClient, Shows: Resource.TargetClient),
        new("POST",   "/api/internal/clients/{id:guid}/suspend",               "401  401  401  401  401  401  401  401  ok   ok", Resource.TargetClient, """{"reason":"matrix"}"""),
        new("POST",   "/api/internal/clients/{id:guid}/reinstate",             "401  401  401  401  401  401  401  401  ok   ok", Resource.TargetClient, """{"reason":"matrix"}"""),
        new("GET",    "/api/internal/settings",                                "401  401  401  401  401  401  401  401  ok   ok"),
        new("PUT",    "/api/internal/settings",                                "401  401  401  401  401  401  401  401  403  ok", Body: "{settings}"),
        new("GET",    "/api/internal/pairing-requests",                        "401  401  401  401  401  401  401  401  ok   ok"),
        new("GET",    "/api/internal/audit",                                   "401  401  401  401  401  401  401  401  ok   ok"),
        new("GET",    "/api/internal/dashboard",                               "401  401  401  401  401  401  401  401  ok   ok"),
        new("GET",    "/api/internal/dashboard/events",                        "401  401  401  401  401  401  401  401  ok   ok"),
        new("GET",    "/api/internal/packages",                                "401  401  401  401  401  401  401  401  403  ok"),
        new("POST",   "/api/internal/packages",                                "401  401  401  401  401  401  401  401  403  ok", Body: """{"name":"Paket Matrix","sessions":3,"priceIdr":150000}"""),
        new("PUT",    "/api/internal/packages/{id:guid}",                      "401  401  401  401  401  401  401  401  403  ok", Resource.Package, """{"name":"Paket Akses","sessions":5,"priceIdr":250000,"isActive":true}"""),
        new("GET",    "/api/internal/sessions",                                "401  401  401  401  401  401  401  401  ok   ok"),
        new("GET",    "/api/internal/sessions/{id:guid}",                      "401  401  401  401  401  401  401  401  ok   ok", Resource.TargetSession, Shows: Resource.TargetSession),
        new("GET",    "/api/internal/sessions/{id:guid}/history",              "401  401  401  401  401  401  401  401  ok   ok", Resource.TargetSession, Shows: Resource.TargetSession),
        new("GET",    "/api/internal/sessions/{id:guid}/messages",             "401  401  401  401  401  401  401  401  ok   ok", Resource.TargetSession),
        new("GET",    "/api/internal/risk-flags",                              "401  401  401  401  401  401  401  401  ok   ok"),
        new("POST",   "/api/internal/risk-flags/{id:guid}/acknowledge",        "401  401  401  401  401  401  401  401  ok   =conflict", Resource.RiskFlag, """{"note":"matrix"}"""),
        new("GET",    "/api/internal/risk-phrases",                            "401  401  401  401  401  401  401  401  ok   ok"),
        new("PUT",    "/api/internal/risk-phrases",                            "401  401  401  401  401  401  401  401  403  ok", Body: """{"phrases":["bunuh diri","bundir"]}"""),
        new("GET",    "/api/internal/sessions/{id:guid}/state",                "401  401  401  401  401  401  401  401  ok   ok", Resource.TargetSession, Query: "at={now}"),
        new("POST",   "/api/internal/sessions/{id:guid}/reroute",              "401  401  401  401  401  401  401  401  ok   =conflict", Resource.TargetSession, """{"toMitraId":"{onlineMitra}","reason":"matrix"}"""),
        new("POST",   "/api/internal/sessions/{id:guid}/end",                  "401  401  401  401  401  401  401  401  ok   =session-ended", Resource.TargetSession, """{"reason":"matrix"}"""),
    ];

    private static readonly string[] AccessDenials = ["forbidden", "not-a-mitra", "mitra-inactive"];
    private const string Origin = "https://not-halobestie.example";
    private const string CallbackToken = "access-matrix-callback-token";

    private FakeXendit _xendit = null!;
    private WebApplicationFactory<Api.Public.Program> _public = null!;
    private World _world = null!;

    public async Task InitializeAsync()
    {
        // Checkout needs Xendit: a public instance over the same schema, talking to a local fake.
        _xendit = await FakeXendit.StartAsync();
        _public = hosts.Public.WithWebHostBuilder(b => b
            .UseSetting("Xendit:BaseUrl", _xendit.Url)
            .UseSetting("Xendit:SecretKey", "xnd_development_access_matrix")
            .UseSetting("Xendit:CallbackToken", CallbackToken));
        _world = await World.CreateAsync(hosts, _public);
    }

    public async Task DisposeAsync()
    {
        await _public.DisposeAsync();
        await _xendit.DisposeAsync();
    }

    [Fact]
    public async Task Route_when_called_by_each_kind_of_caller_answers_as_its_row_says()
    {
        var failures = new List<string>();
        failures.AddRange(Coverage("public", RoutesOf(_public.Services), PublicRows));
        failures.AddRange(Coverage("internal", RoutesOf(hosts.Internal.Services), InternalRows));

        // The expired and wrong-audience tokens differ from a token that passes in that one claim only.
        (await StatusAsync(_public, "GET", "/api/client/me", _world.FirebaseToken(Caller.Client))).Should().Be(200);
        (await StatusAsync(hosts.Internal, "GET", "/api/internal/auth/me", _world.StaffToken(Caller.Admin))).Should().Be(200);
        (await StatusAsync(hosts.Internal, "GET", "/api/internal/auth/me", _world.MintedStaffToken(valid: true))).Should().Be(200);

        var cells = 0;
        foreach (var row in PublicRows)
            cells += await CheckRowAsync(_public, row, _world.FirebaseToken, failures);
        foreach (var row in InternalRows)
            cells += await CheckRowAsync(hosts.Internal, row, _world.StaffToken, failures);

        cells.Should().Be((PublicRows.Length + InternalRows.Length) * Enum.GetValues<Caller>().Length);
        failures.Should().BeEmpty("every route must answer every caller as its row says:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Route_when_called_on_the_other_host_is_not_found()
    {
        var failures = new List<string>();
        var internalRoutes = RoutesOf(hosts.Internal.Services).Where(r => r.Route.StartsWith("/api/", StringComparison.Ordinal)).ToList();
        var publicRoutes = RoutesOf(_public.Services).Where(r => r.Route.StartsWith("/api/", StringComparison.Ordinal)).ToList();
        internalRoutes.Should().HaveCount(InternalRows.Length - 2, "every internal route but the two health checks is under /api/internal");

        foreach (var (method, route) in internalRoutes)
        {
            foreach (var token in new[] { null, _world.StaffToken(Caller.Admin), _world.FirebaseToken(Caller.Client) })
            {
                using var response = await SendAsync(_public, method, PathOf(route, Guid.NewGuid()), token, method is "POST" or "PUT" ? "{}" : null);
                if (response.StatusCode != HttpStatusCode.NotFound || Problems.Parse(404, await response.Content.ReadAsStringAsync()).Name != "not-found")
                    failures.Add($"public host: {method} {route} answered {(int)response.StatusCode}");
            }
        }
        foreach (var (method, route) in publicRoutes)
        {
            using var response = await SendAsync(hosts.Internal, method, PathOf(route, Guid.NewGuid()), _world.StaffToken(Caller.Admin), method is "POST" or "PUT" ? "{}" : null);
            if (response.StatusCode != HttpStatusCode.NotFound)
                failures.Add($"internal host: {method} {route} answered {(int)response.StatusCode}");
        }

        failures.Should().BeEmpty(string.Join("\n", failures));
    }

    [Theory]
    [InlineData("public", "/api/client/me")]
    [InlineData("public", "/api/client/pairing-requests")]
    [InlineData("public", "/api/shared/config")]
    [InlineData("internal", "/api/internal/auth/login")]
    [InlineData("internal", "/api/internal/mitras")]
    public async Task Preflight_when_cross_origin_gets_no_cors_headers(string host, string route)
    {
        // CORS is not configurable: neither host adds the CORS middleware (docs/reliability.md). The
        // matrix checks that no answer carries Access-Control-Allow-Origin; this checks preflights.
        using var http = host == "public" ? _public.CreateClient() : hosts.Internal.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, route);
        preflight.Headers.Add("Origin", Origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");

        using var response = await http.SendAsync(preflight);

        response.Headers.Where(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)).Should().BeEmpty();
        ((int)response.StatusCode).Should().BeLessThan(500);
    }

    /// <summary>Sends the row's request as every caller, in column order; returns how many cells it checked.</summary>
    private async Task<int> CheckRowAsync<T>(WebApplicationFactory<T> host, Row row, Func<Caller, string?> tokenOf, List<string> failures) where T : class
    {
        var expected = Regex.Split(row.Answers.Trim(), @"\s+");
        if (expected.Length != Enum.GetValues<Caller>().Length || (row.Route.Contains('{', StringComparison.Ordinal) != (row.Id != Resource.None)))
        {
            failures.Add($"the row {row.Key} needs one answer per caller, and a resource exactly when its route has an id");
            return 0;
        }
        foreach (var caller in Enum.GetValues<Caller>())
        {
            if (await CheckAsync(host, row, caller, expected[(int)caller], tokenOf(caller)) is { } failure)
                failures.Add(failure);
        }
        return expected.Length;
    }

    private async Task<string?> CheckAsync<T>(WebApplicationFactory<T> host, Row row, Caller caller, string expected, string? token) where T : class
    {
        var path = PathOf(row.Route, _world.IdOf(row.Id)) + (row.Query is null ? "" : "?" + _world.Fill(row.Query));
        var body = row.Body is null ? null : _world.Fill(row.Body);
        using var response = await SendAsync(host, row.Method, path, token, body);
        var status = (int)response.StatusCode;
        var stream = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
        var text = stream ? await FirstFrameAsync(response) : await response.Content.ReadAsStringAsync();
        var name = status >= 400 ? Problems.Parse(status, text).Name : "";

        var where = $"{row.Key} as {caller}: expected {expected}, got {status} {name}".TrimEnd();
        if (response.Headers.Contains("Access-Control-Allow-Origin"))
            return where + " with Access-Control-Allow-Origin (CORS is not configured on either host)";
        if (!Has(response, "X-Content-Type-Options", "nosniff") || !Has(response, "X-Frame-Options", "DENY") || !Has(response, "Referrer-Policy", "no-referrer"))
            return where + " without the security headers";
        var pass = expected switch
        {
            "ok" => status is >= 200 and < 300 && (!row.Key.EndsWith("/events", StringComparison.Ordinal) || (stream && text.StartsWith("event: ", StringComparison.Ordinal))),
            ['=', .. var problem] => status is >= 400 and < 500 && name == problem,
            "401" => status == 401 && name == "unauthorized",
            "403" => status == 403 && name == "forbidden",
            "nam" => status == 403 && name == "not-a-mitra",
            "ina" => status == 403 && name == "mitra-inactive",
            "404" => status == 404 && name == "not-found",
            _ => throw new InvalidOperationException($"Unknown answer class '{expected}' in row {row.Key}."),
        };
        if (pass && expected == "ok" && row.Shows is { } shown && ShowsWrongData(shown, caller, text) is { } wrong)
            return $"{where}: {wrong}";
        return pass ? null : where + (text.Length > 0 ? $": {text[..Math.Min(text.Length, 300)]}" : "");
    }

    /// <summary>
    /// An answer names the caller's own data (<paramref name="shown"/>: a resource, or the caller
    /// itself for <see cref="Resource.None"/>) and never another caller's: a resource owned by a
    /// client or a mitra must not appear in what the other client or mitra reads.
    /// </summary>
    private string? ShowsWrongData(Resource shown, Caller caller, string answer)
    {
        var id = (shown == Resource.None ? _world.OwnIdOf(caller) : _world.IdOf(shown)).ToString();
        var owner = shown switch
        {
            Resource.None => caller,
            Resource.ClientRequest or Resource.ClientSession or Resource.ClientPayment => Caller.Client,
            Resource.MitraSession => Caller.Mitra,
            _ => (Caller?)null, // the control center's: every staff member sees it
        };
        var named = answer.Contains(id, StringComparison.OrdinalIgnoreCase);
        return (owner is null || owner == caller) switch
        {
            true when !named => $"the answer does not name its own {shown} ({id})",
            false when named => $"the answer names the {shown} of {owner} ({id})",
            _ => null,
        };
    }

    /// <summary>The first frame of an event stream with an event (comments and the retry hint skipped), read within 10 s; then the stream is let go.</summary>
    private static async Task<string> FirstFrameAsync(HttpResponseMessage response)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var frame = new StringBuilder();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0 && frame.Length > 0)
                break;
            if (!line.StartsWith(':') && !line.StartsWith("retry:", StringComparison.Ordinal))
                frame.AppendLine(line);
        }
        return frame.ToString();
    }

    private static bool Has(HttpResponseMessage response, string header, string value) =>
        response.Headers.TryGetValues(header, out var values) && values.Contains(value);

    private static async Task<HttpResponseMessage> SendAsync<T>(WebApplicationFactory<T> host, string method, string path, string? token, string? body) where T : class
    {
        using var http = host.CreateClient();
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Origin", Origin);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        // Event streams never end: read the status and headers, then let go (disposing aborts the stream).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
    }

    private static async Task<int> StatusAsync<T>(WebApplicationFactory<T> host, string method, string path, string token) where T : class
    {
        using var response = await SendAsync(host, method, path, token, null);
        return (int)response.StatusCode;
    }

    /// <summary>The route with its id; a message id is new for every call (each caller sends its own message).</summary>
    private static string PathOf(string route, Guid id) =>
        RouteParameter().Replace(route, match => match.Value == "{messageId:guid}" ? Guid.NewGuid().ToString() : id.ToString());

    /// <summary>Method and route of every endpoint a host maps (health checks answer any method: listed as GET).</summary>
    private static List<(string Method, string Route)> RoutesOf(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, "/" + (e.RoutePattern.RawText ?? "").Trim('/'))))
            .ToList();

    private static IEnumerable<string> Coverage(string host, List<(string Method, string Route)> routes, Row[] rows)
    {
        var mapped = routes.Select(r => $"{r.Method} {r.Route}").ToHashSet();
        var stated = rows.Select(r => r.Key).ToList();
        foreach (var key in mapped.Except(stated).Order())
            yield return $"{host} host: {key} has no row in the access matrix; add one saying who may call it";
        foreach (var key in stated.Except(mapped).Order())
            yield return $"{host} host: the row {key} names no mapped route";
        foreach (var key in stated.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key))
            yield return $"{host} host: the row {key} appears twice";
    }

    [GeneratedRegex("{[^}]+}")]
    private static partial Regex RouteParameter();

    /// <summary>The callers, their tokens and the resources the routes name.</summary>
    private sealed class World
    {
        private readonly Dictionary<Caller, string> _firebase = [];
        private readonly Dictionary<Caller, string> _staff = [];
        private readonly Dictionary<Resource, Guid> _ids = [];
        private readonly Dictionary<Caller, Guid> _own = [];
        private readonly Dictionary<string, string> _placeholders = [];
        private Guid _adminId;

        public string? FirebaseToken(Caller caller) => _firebase.GetValueOrDefault(caller);

        public string? StaffToken(Caller caller) => _staff.GetValueOrDefault(caller);

        public Guid IdOf(Resource resource) => resource == Resource.None ? Guid.Empty : _ids[resource];

        /// <summary>The id of the client or mitra behind a caller (none for the others).</summary>
        public Guid OwnIdOf(Caller caller) => _own.GetValueOrDefault(caller);

        /// <summary>Replaces <c>{name}</c> placeholders of a body or query; a fresh email and phone number each time.</summary>
        public string Fill(string text)
        {
            var filled = text
                .Replace("{newEmail}", $"matrix-{Guid.NewGuid():N}@halobestie.test", StringComparison.Ordinal)
                .Replace("{newPhone}", $"+62816{Random.Shared.Next(10_000_000, 99_999_999)}", StringComparison.Ordinal)
                .Replace("{now}", Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O")), StringComparison.Ordinal);
            foreach (var (name, value) in _placeholders)
                filled = filled.Replace("{" + name + "}", value, StringComparison.Ordinal);
            return filled;
        }

        public string MintedStaffToken(bool valid) => StaffJwt(_adminId, HostsFixture.AdminEmail, "halobestie-internal-api", DateTimeOffset.UtcNow, valid);

        public static async Task<World> CreateAsync(HostsFixture hosts, WebApplicationFactory<Api.Public.Program> payingHost)
        {
            var world = new World();
            var admin = await hosts.AdminAsync();
            var adminLogin = await hosts.AnonymousInternal().LogInAsync(new LogIn { Email = HostsFixture.AdminEmail, Password = HostsFixture.AdminPassword });
            world._adminId = adminLogin.Staff.Id;
            world._staff[Caller.Admin] = adminLogin.AccessToken;
            const string operatorPassword = "operator-password-for-the-matrix";
            var operatorAccount = await admin.CreateStaffAsync(new CreateStaff { Email = $"operator-{Guid.NewGuid():N}@halobestie.test", Name = "Matrix Operator", Role = StaffRole.Operator, Password = operatorPassword });
            world._staff[Caller.Operator] = (await hosts.AnonymousInternal().LogInAsync(new LogIn { Email = operatorAccount.Email, Password = operatorPassword })).AccessToken;
            var now = DateTimeOffset.UtcNow;
            world._staff[Caller.Expired] = StaffJwt(world._adminId, HostsFixture.AdminEmail, "halobestie-internal-api", now.AddHours(-2), valid: false);
            world._staff[Caller.WrongAudience] = StaffJwt(world._adminId, HostsFixture.AdminEmail, "halobestie-public-api", now, valid: true);
            world._ids[Resource.TargetStaff] = (await admin.CreateStaffAsync(new CreateStaff { Email = $"target-{Guid.NewGuid():N}@halobestie.test", Name = "Target Staff", Role = StaffRole.Operator, Password = operatorPassword })).Id;
            var package = await admin.CreatePackageAsync(new CreatePackage { Name = "Paket Akses", Sessions = 5, PriceIdr = 250_000 });
            world._ids[Resource.Package] = package.Id;
            world._ids[Resource.Installation] = Guid.NewGuid(); // an app's installation id: registered by the first PUT

            var (mitra, mitraToken, mitraId) = await hosts.NewOnlineMitraAsync(admin);
            var (otherMitra, otherMitraToken, otherMitraId) = await hosts.NewOnlineMitraAsync(admin);
            world._own[Caller.Mitra] = mitraId;
            world._own[Caller.OtherMitra] = otherMitraId;
            var (_, inactiveToken, inactiveId, _) = await hosts.NewSignedInMitraAsync(admin);
            await admin.DeactivateMitraAsync(inactiveId, new DeactivateMitraBody { Reason = "access matrix" });
            var targetPhone = $"+62817{Random.Shared.Next(10_000_000, 99_999_999)}";
            world._ids[Resource.TargetMitra] = (await admin.RegisterMitraAsync(new RegisterMitra { FullName = "Target Mitra", PhoneNumber = targetPhone, Alias = "Kak Target" })).Id;
            world._firebase[Caller.Mitra] = mitraToken;
            world._firebase[Caller.OtherMitra] = otherMitraToken;
            world._firebase[Caller.InactiveMitra] = inactiveToken;

            // The client: a request matched by the mitra (its session) and a payment.
            var (client, clientToken, clientId) = await hosts.NewRegisteredClientAsync();
            var request = await client.RequestPairingAsync(new RequestPairing());
            var accepted = await mitra.AcceptPairingRequestAsync(request.Id);
            world._ids[Resource.ClientRequest] = request.Id;
            world._ids[Resource.ClientSession] = accepted.SessionId;
            world._ids[Resource.MitraSession] = accepted.SessionId;
            world._ids[Resource.ClientPayment] = (await HostsFixture.PublicOn(payingHost, clientToken).StartPaymentAsync(null, new StartPayment { PackageId = package.Id })).PaymentId;
            world._firebase[Caller.Client] = SignedInLongAgo(clientToken);
            var (_, otherClientToken, otherClientId) = await hosts.NewRegisteredClientAsync();
            world._firebase[Caller.OtherClient] = SignedInLongAgo(otherClientToken);
            world._own[Caller.Client] = clientId;
            world._own[Caller.OtherClient] = otherClientId;

            // The control center's own client and session (the other mitra serves it); an open request.
            var (targetClient, _, targetClientId) = await hosts.NewRegisteredClientAsync();
            var targetRequest = await targetClient.RequestPairingAsync(new RequestPairing());
            world._ids[Resource.TargetClient] = targetClientId;
            var targetSession = (await otherMitra.AcceptPairingRequestAsync(targetRequest.Id)).SessionId;
            world._ids[Resource.TargetSession] = targetSession;
            await targetClient.SendMessageAsClientAsync(targetSession, Guid.NewGuid(), new SendMessageBody { Text = "aku pengen bunuh diri" }); // a risk flag to review
            world._ids[Resource.RiskFlag] = (await admin.ListRiskFlagsAsync("open", null, 100)).Items.Single(f => f.SessionId == targetSession).Id;
            var (requester, _, _) = await hosts.NewRegisteredClientAsync();
            world._ids[Resource.OpenRequest] = (await requester.RequestPairingAsync(new RequestPairing())).Id;
            var (waiting, _, _) = await hosts.NewRegisteredClientAsync();
            world._ids[Resource.AcceptableRequest] = (await waiting.RequestPairingAsync(new RequestPairing())).Id;

            // Tokens of the client that fail in one claim each: expired, or for another Firebase project.
            var uid = new JsonWebToken(clientToken).Subject;
            world._firebase[Caller.Expired] = FirebaseTokens.WithoutSignature(FirebaseTokens.Claims(uid, "google.com", now: now.AddHours(-2)));
            var otherProject = FirebaseTokens.Claims(uid, "google.com");
            otherProject["aud"] = "another-firebase-project";
            world._firebase[Caller.WrongAudience] = FirebaseTokens.WithoutSignature(otherProject);

            world._placeholders["package"] = package.Id.ToString();
            world._placeholders["onlineMitra"] = mitraId.ToString();
            world._placeholders["targetPhone"] = targetPhone;
            world._placeholders["adminEmail"] = HostsFixture.AdminEmail;
            world._placeholders["adminPassword"] = HostsFixture.AdminPassword;
            using var http = hosts.Internal.CreateClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminLogin.AccessToken);
            world._placeholders["settings"] = await http.GetStringAsync("/api/internal/settings");
            return world;
        }

        /// <summary>The same token, of a sign-in 10 minutes ago (a refreshed ID token keeps its <c>auth_time</c>): valid everywhere but for deleting the account.</summary>
        private static string SignedInLongAgo(string token)
        {
            var claims = JsonSerializer.Deserialize<Dictionary<string, object>>(Base64UrlEncoder.Decode(new JsonWebToken(token).EncodedPayload))!;
            claims["auth_time"] = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();
            return FirebaseTokens.WithoutSignature(claims);
        }

        private static string StaffJwt(Guid staffId, string email, string audience, DateTimeOffset issuedAt, bool valid) =>
            new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = "halobestie-control-center",
                Audience = audience,
                IssuedAt = issuedAt.UtcDateTime,
                NotBefore = issuedAt.UtcDateTime,
                Expires = (valid ? issuedAt.AddMinutes(30) : issuedAt.AddHours(1)).UtcDateTime,
                Claims = new Dictionary<string, object> { ["sub"] = staffId.ToString(), ["email"] = email, ["role"] = "admin" },
                SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(HostsFixture.SigningKey)), SecurityAlgorithms.HmacSha256),
            });
    }
}
