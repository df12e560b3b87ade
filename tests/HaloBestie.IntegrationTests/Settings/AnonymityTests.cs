using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using HaloBestie.Domain.Clients;
using HaloBestie.IntegrationTests.Infrastructure;
using AnonymitySettings = HaloBestie.Clients.Internal.AnonymitySettings;
using SetMitraStatus = HaloBestie.Clients.Public.SetMitraStatus;

namespace HaloBestie.IntegrationTests.Settings;

/// <summary>
/// The anonymity settings (PRODUCT.md §1, realtime.md "Names and anonymity") in every event and
/// query answer that names the other party. Own schema: these tests change the platform settings
/// (and put them back). What each side reads is kept as raw JSON, so that a field nobody expects
/// (an email, a phone number, a client id) shows up too.
/// </summary>
public class AnonymityTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private sealed record TestClient(PublicApiClient App, HttpClient Http, string Token, Guid Id, string Uid, string DisplayName, string Email, string Phone);

    private sealed record TestMitra(HttpClient Http, string Token, Guid Id, string FullName, string Alias, string Phone);

    private Task SetAnonymityAsync(bool showClientDisplayName, bool showMitraFullName) =>
        hosts.ChangeSettingsAsync(s => s.Anonymity = new AnonymitySettings { ShowClientDisplayName = showClientDisplayName, ShowMitraFullName = showMitraFullName });

    private Task RestoreDefaultsAsync() => SetAnonymityAsync(showClientDisplayName: true, showMitraFullName: false);

    private HttpClient HttpAs(string token)
    {
        var http = hosts.Public.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>A registered client with a display name, an email and a phone number (a phone sign-in with a Google-linked email).</summary>
    private async Task<TestClient> NewClientAsync(string displayName)
    {
        var uid = "client-" + Guid.NewGuid().ToString("N");
        var email = $"secret-{Guid.NewGuid():N}@example.com";
        var phone = $"+62857{Random.Shared.Next(10_000_000, 99_999_999)}";
        var token = FirebaseTokens.Emulator(uid, "phone", phone: phone, email: email);
        var app = hosts.PublicAs(token);
        var id = (await app.SignInClientAsync()).Client.Id;
        await app.SetDisplayNameAsync(new SetDisplayName { DisplayName = displayName });
        var staffView = await (await hosts.AdminAsync()).GetClientAsync(id);
        staffView.Should().BeEquivalentTo(new { Email = email, PhoneNumber = phone, DisplayName = displayName }, "the client really has them to leak");
        return new TestClient(app, HttpAs(token), token, id, uid, displayName, email, phone);
    }

    private async Task<TestMitra> NewOnlineMitraAsync(string fullName, string alias)
    {
        var phone = $"+62813{Random.Shared.Next(10_000_000, 99_999_999)}";
        var admin = await hosts.AdminAsync();
        var mitra = await admin.RegisterMitraAsync(new RegisterMitra { FullName = fullName, PhoneNumber = phone, Alias = alias, Bio = "Pendengar yang sabar." });
        var token = FirebaseTokens.Emulator("mitra-" + Guid.NewGuid().ToString("N"), "phone", phone: phone);
        var app = hosts.PublicAs(token);
        await app.SignInMitraAsync();
        await app.SetMitraStatusAsync(new SetMitraStatus { Online = true });
        return new TestMitra(HttpAs(token), token, mitra.Id, fullName, alias, phone);
    }

    /// <summary>Reads events into <paramref name="seen"/> until one of the given type, which it returns parsed.</summary>
    private static async Task<JsonElement> UntilAsync(EventStreamReader stream, string type, List<string> seen)
    {
        while (true)
        {
            var next = await stream.NextAsync() ?? throw new InvalidOperationException($"The stream ended before {type}.");
            seen.Add(next.Data);
            if (next.Type == type)
                return JsonDocument.Parse(next.Data).RootElement;
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected, List<string> seen)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(expected, body);
            seen.Add(body);
            return JsonDocument.Parse(body).RootElement.Clone();
        }
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string path, List<string> seen) =>
        await ReadAsync(await http.GetAsync(path), HttpStatusCode.OK, seen);

    private static string ClientNameIn(JsonElement withClient) => withClient.GetProperty("client").GetProperty("alias").GetString()!;

    private static string MitraNameIn(JsonElement withMitra) => withMitra.GetProperty("mitra").GetProperty("displayName").GetString()!;

    /// <summary>
    /// A client asks twice (cancelling the first), the mitra accepts the second, then ends the
    /// session: every name the mitra reads on the way, and every raw payload it received.
    /// </summary>
    private async Task<(List<string> Names, List<string> Payloads)> WhatTheMitraReadsAsync(TestClient client, TestMitra mitra)
    {
        var names = new List<string>();
        var payloads = new List<string>();
        await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/mitra/events", mitra.Token);

        var first = await client.App.RequestPairingAsync(new RequestPairing());
        names.Add(ClientNameIn(await UntilAsync(stream, "pairing.offered", payloads)));
        var offered = await GetAsync(mitra.Http, "/api/mitra/pairing-requests", payloads);
        offered.EnumerateArray().Should().ContainSingle().Which.GetProperty("id").GetGuid().Should().Be(first.Id);
        names.Add(ClientNameIn(offered[0]));
        await client.App.CancelPairingRequestAsync(first.Id);
        await UntilAsync(stream, "pairing.closed", payloads);

        var second = await client.App.RequestPairingAsync(new RequestPairing());
        names.Add(ClientNameIn(await UntilAsync(stream, "pairing.offered", payloads)));
        var accepted = await ReadAsync(await mitra.Http.PostAsync($"/api/mitra/pairing-requests/{second.Id}/accept", null), HttpStatusCode.Created, payloads);
        var sessionId = accepted.GetProperty("sessionId").GetGuid();
        var started = await UntilAsync(stream, "session.started", payloads);
        started.GetProperty("sessionId").GetGuid().Should().Be(sessionId);
        names.Add(ClientNameIn(started));
        var active = await GetAsync(mitra.Http, "/api/mitra/sessions/active", payloads);
        active.EnumerateArray().Should().ContainSingle().Which.GetProperty("id").GetGuid().Should().Be(sessionId);
        names.Add(ClientNameIn(active[0]));
        var ended = await ReadAsync(await mitra.Http.PostAsJsonAsync($"/api/mitra/sessions/{sessionId}/end", new { reason = "selesai" }), HttpStatusCode.OK, payloads);
        names.Add(ClientNameIn(ended));
        await UntilAsync(stream, "session.ended", payloads);
        payloads.Add(await mitra.Http.GetStringAsync("/api/mitra/me"));
        return (names, payloads);
    }

    /// <summary>Nothing that identifies the client reaches a mitra: not its email, phone, id or Firebase identity.</summary>
    private static void ShouldNotIdentify(List<string> payloads, TestClient client)
    {
        foreach (var payload in payloads)
        {
            payload.Should().NotContain(client.Email).And.NotContain(client.Phone).And.NotContain(client.Phone.TrimStart('+'))
                .And.NotContain(client.Id.ToString()).And.NotContain(client.Uid);
        }
    }

    [Fact]
    public async Task Pair_when_display_names_are_hidden_shows_the_mitra_only_the_clients_stable_alias()
    {
        await SetAnonymityAsync(showClientDisplayName: false, showMitraFullName: false);
        try
        {
            var client = await NewClientAsync("Sekar Rahasia");
            var mitra = await NewOnlineMitraAsync("Ratna Kusumawati", "Kak Ratna");

            var (names, payloads) = await WhatTheMitraReadsAsync(client, mitra);

            var alias = ClientAlias.Of(client.Id);
            alias.Should().MatchRegex(@"^Bestie #\d{4}$");
            (await (await hosts.AdminAsync()).GetClientAsync(client.Id)).Alias.Should().Be(alias, "staff see the same alias");
            names.Should().HaveCount(6).And.OnlyContain(n => n == alias,
                "pairing.offered (twice: the alias is stable), the offered list, session.started, the active sessions and the ended session all show the alias");
            payloads.Should().NotContain(p => p.Contains(client.DisplayName, StringComparison.OrdinalIgnoreCase), "the display name is hidden from mitras");
            ShouldNotIdentify(payloads, client);
        }
        finally
        {
            await RestoreDefaultsAsync();
        }
    }

    [Fact]
    public async Task Pair_when_display_names_are_shown_shows_the_mitra_the_name_and_never_the_identity()
    {
        await SetAnonymityAsync(showClientDisplayName: true, showMitraFullName: false);
        var client = await NewClientAsync("Dewi Terbuka");
        var mitra = await NewOnlineMitraAsync("Ayu Lestari", "Kak Ayu");

        var (names, payloads) = await WhatTheMitraReadsAsync(client, mitra);

        names.Should().HaveCount(6).And.OnlyContain(n => n == client.DisplayName);
        payloads.Should().NotContain(p => p.Contains(ClientAlias.Of(client.Id), StringComparison.Ordinal), "the alias stands in only when the name is hidden");
        ShouldNotIdentify(payloads, client);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Pair_when_full_names_are_shown_shows_the_client_the_mitras_full_name_else_its_alias(bool showMitraFullName)
    {
        await SetAnonymityAsync(showClientDisplayName: true, showMitraFullName);
        try
        {
            var suffix = Guid.NewGuid().ToString("N")[..6];
            var mitra = await NewOnlineMitraAsync("Wulan Pratiwi " + suffix, "Kak Wulan " + suffix);
            var client = await NewClientAsync("Putri Ayu");
            var payloads = new List<string>();
            await using var stream = await EventStreamReader.OpenAsync(hosts.Public.CreateClient(), "/api/client/events", client.Token);

            var request = await client.App.RequestPairingAsync(new RequestPairing());
            var accepted = await ReadAsync(await mitra.Http.PostAsync($"/api/mitra/pairing-requests/{request.Id}/accept", null), HttpStatusCode.Created, []);
            var sessionId = accepted.GetProperty("sessionId").GetGuid();

            var names = new List<string>
            {
                MitraNameIn(await UntilAsync(stream, "pairing.matched", payloads)),
                MitraNameIn(await GetAsync(client.Http, $"/api/client/pairing-requests/{request.Id}", payloads)),
                MitraNameIn(await GetAsync(client.Http, "/api/client/sessions/active", payloads)),
                MitraNameIn(await GetAsync(client.Http, $"/api/client/sessions/{sessionId}", payloads)),
            };
            var list = await GetAsync(client.Http, "/api/client/sessions", payloads);
            names.Add(MitraNameIn(list.GetProperty("items").EnumerateArray().Should().ContainSingle().Which));

            var expected = showMitraFullName ? mitra.FullName : mitra.Alias;
            names.Should().HaveCount(5).And.OnlyContain(n => n == expected,
                "pairing.matched, the request, the active session, the session and the session list all show the same name");
            if (!showMitraFullName)
                payloads.Should().NotContain(p => p.Contains(mitra.FullName, StringComparison.Ordinal), "the full name is hidden from clients");
            await client.App.EndMySessionAsync(sessionId, null);
        }
        finally
        {
            await RestoreDefaultsAsync();
        }
    }
}
