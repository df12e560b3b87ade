using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HaloBestie.Clients.Internal;
using HaloBestie.Domain;
using HaloBestie.IntegrationTests.Infrastructure;

namespace HaloBestie.IntegrationTests.Hosts;

/// <summary>
/// Problem answers speak the caller's language (issue 20 item 6): <c>Accept-Language</c> picks
/// <c>id</c> or <c>en</c>; app routes default to Bahasa Indonesia, the control center's to English;
/// codes (<c>code</c>, <c>errorCodes</c>) are the same in both.
/// </summary>
public class ProblemLanguageTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private sealed record Answer(int Status, string? ContentLanguage, JsonElement Body)
    {
        public string Title => Body.GetProperty("title").GetString()!;
        public string Detail => Body.GetProperty("detail").GetString()!;
        public string[] Errors(string field) => Body.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();
        public string[] Codes(string field) => Body.GetProperty("errorCodes").GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    private static async Task<Answer> CallAsync(HttpClient http, HttpMethod method, string path, string? token, string? acceptLanguage, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (acceptLanguage is not null)
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentLanguage.FirstOrDefault(), JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<string> SignedInGuestAsync()
    {
        var token = hosts.EmulatorToken("uid-" + Guid.NewGuid().ToString("N"));
        await hosts.PublicAs(token).SignInClientAsync();
        return token;
    }

    [Theory]
    [InlineData(null, "id")]
    [InlineData("id-ID,id;q=0.9", "id")]
    [InlineData("in-ID", "id")]
    [InlineData("en-US,en;q=0.9", "en")]
    [InlineData("fr-FR, en;q=0.5, id;q=0.4", "en")]
    [InlineData("fr-FR", "id")]
    public async Task Validation_on_an_app_route_answers_in_the_accepted_language_with_the_same_codes(string? acceptLanguage, string expected)
    {
        var token = await SignedInGuestAsync();

        var answer = await CallAsync(hosts.Public.CreateClient(), HttpMethod.Put, "/api/client/me/display-name", token, acceptLanguage, new { displayName = "ab" });

        answer.Status.Should().Be(400);
        answer.ContentLanguage.Should().Be(expected);
        answer.Codes("displayName").Should().Equal(ValidationCodes.DisplayNameLength);
        if (expected == "id")
        {
            answer.Title.Should().Be("Permintaan tidak valid.");
            answer.Detail.Should().Be("Periksa kembali isian yang ditandai.");
            answer.Errors("displayName").Should().Equal("Nama panggilan terdiri dari 3 sampai 30 karakter.");
        }
        else
        {
            answer.Title.Should().Be("The request is not valid.");
            answer.Errors("displayName").Should().Equal("A display name has 3 to 30 characters.");
        }
    }

    [Fact]
    public async Task Validation_by_a_FluentValidation_rule_answers_its_Indonesian_message_with_the_limit()
    {
        var token = await SignedInGuestAsync();
        var path = $"/api/client/sessions/{Guid.CreateVersion7()}/end";

        var indonesian = await CallAsync(hosts.Public.CreateClient(), HttpMethod.Post, path, token, null, new { reason = new string('x', 501) });
        var english = await CallAsync(hosts.Public.CreateClient(), HttpMethod.Post, path, token, "en", new { reason = new string('x', 501) });

        indonesian.Status.Should().Be(400);
        indonesian.Codes("reason").Should().Equal("too-long");
        english.Codes("reason").Should().Equal("too-long");
        indonesian.Errors("reason").Single().Should().Contain("500").And.NotBe(english.Errors("reason").Single());
        english.Errors("reason").Single().Should().Contain("500 characters");
    }

    [Fact]
    public async Task A_coded_problem_keeps_its_code_and_says_its_cause_in_Bahasa_Indonesia()
    {
        var notSignedIn = hosts.EmulatorToken("uid-" + Guid.NewGuid().ToString("N"));

        var indonesian = await CallAsync(hosts.Public.CreateClient(), HttpMethod.Get, "/api/client/me", notSignedIn, null);
        var english = await CallAsync(hosts.Public.CreateClient(), HttpMethod.Get, "/api/client/me", notSignedIn, "en");

        indonesian.Status.Should().Be(403);
        indonesian.Body.GetProperty("code").GetString().Should().Be(ProblemCodes.SessionRequired);
        english.Body.GetProperty("code").GetString().Should().Be(ProblemCodes.SessionRequired);
        indonesian.Title.Should().Be("Tindakan ini tidak diizinkan.");
        indonesian.Detail.Should().Be("Selesaikan proses masuk terlebih dahulu.");
        english.Title.Should().Be("This is not allowed for the caller.");
        english.Detail.Should().NotBe(indonesian.Detail);
    }

    [Fact]
    public async Task Framework_problems_and_malformed_bodies_follow_the_language_too()
    {
        var token = await SignedInGuestAsync();

        var unknownRoute = await CallAsync(hosts.Public.CreateClient(), HttpMethod.Get, "/api/client/no-such-route", token, null);
        var malformed = await SendRawAsync(token, "{\"displayName\": ");

        unknownRoute.Status.Should().Be(404);
        unknownRoute.Title.Should().Be("Tidak ditemukan.");
        malformed.Status.Should().Be(400);
        malformed.Body.GetProperty("code").GetString().Should().Be(ValidationCodes.MalformedBody);
        malformed.Detail.Should().Be("Isi permintaan bukan JSON yang valid untuk rute ini.");
        malformed.Body.GetProperty("errors").EnumerateObject().Should().BeEmpty("every 400 has errors and errorCodes, empty when no field is to blame");
        malformed.Body.GetProperty("errorCodes").EnumerateObject().Should().BeEmpty();
    }

    private async Task<Answer> SendRawAsync(string token, string json)
    {
        using var http = hosts.Public.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/client/me/display-name")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentLanguage.FirstOrDefault(), JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Control_center_routes_answer_in_English_unless_Bahasa_Indonesia_is_asked_for()
    {
        var login = await hosts.AnonymousInternal().LogInAsync(new LogIn { Email = HostsFixture.AdminEmail, Password = HostsFixture.AdminPassword });

        var english = await CallAsync(hosts.Internal.CreateClient(), HttpMethod.Get, "/api/internal/sessions?status=bogus", login.AccessToken, null);
        var indonesian = await CallAsync(hosts.Internal.CreateClient(), HttpMethod.Get, "/api/internal/sessions?status=bogus", login.AccessToken, "id");

        english.ContentLanguage.Should().Be("en");
        english.Title.Should().Be("The request is not valid.");
        english.Errors("status").Should().Equal("'Status' must be active or ended.");
        indonesian.ContentLanguage.Should().Be("id");
        indonesian.Errors("status").Should().Equal("Nilai ini tidak dikenal.");
        indonesian.Codes("status").Should().Equal(english.Codes("status")).And.Equal(ValidationCodes.UnknownValue);
    }
}
