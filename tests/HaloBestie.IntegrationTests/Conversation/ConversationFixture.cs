using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HaloBestie.IntegrationTests.Conversation;

/// <summary>A session between a new client and a new online mitra, and the raw routes of its conversation (to see each status code).</summary>
public sealed record Talk(HostsFixture Hosts, PublicApiClient Client, string ClientToken, Guid ClientId, PublicApiClient Mitra, string MitraToken, Guid MitraId, Guid SessionId)
{
    public static async Task<Talk> StartAsync(HostsFixture hosts)
    {
        var (mitra, mitraToken, mitraId) = await hosts.NewOnlineMitraAsync();
        var (client, clientToken, clientId) = await hosts.NewRegisteredClientAsync();
        var sessionId = (await mitra.AcceptPairingRequestAsync((await client.RequestPairingAsync(new RequestPairing())).Id)).SessionId;
        return new Talk(hosts, client, clientToken, clientId, mitra, mitraToken, mitraId, sessionId);
    }

    public static string PartyOf(string token, Talk talk) => token == talk.ClientToken ? "client" : "mitra";

    /// <summary><c>PUT .../messages/{messageId}</c> as the owner of <paramref name="token"/> (<c>client</c> or <c>mitra</c> routes).</summary>
    public Task<Answer> SendAsync(string token, Guid messageId, string text, WebApplicationFactory<Api.Public.Program>? host = null) =>
        CallAsync(HttpMethod.Put, token, $"messages/{messageId}", new { text }, host);

    public Task<Answer> SendAsync(string token, string text) => SendAsync(token, Guid.CreateVersion7(), text);

    public Task<Answer> ReadAsync(string token, long upToSeq) => CallAsync(HttpMethod.Post, token, "read", new { upToSeq });

    public Task<Answer> TypingAsync(string token) => CallAsync(HttpMethod.Post, token, "typing", null);

    public async Task<MessagePage> PageAsync(string token, string query = "")
    {
        var answer = await CallAsync(HttpMethod.Get, token, "messages" + query, null);
        answer.Status.Should().Be(200, answer.Body);
        return JsonSerializer.Deserialize<MessagePage>(answer.Body, JsonOptions)!;
    }

    /// <summary>Every message the owner of <paramref name="token"/> may read, paging back from the newest.</summary>
    public async Task<List<MessageView>> AllAsync(string token)
    {
        var all = new List<MessageView>();
        var page = await PageAsync(token, "?limit=100");
        all.InsertRange(0, page.Items);
        while (page.HasMore)
        {
            page = await PageAsync(token, $"?limit=100&before={all[0].Seq}");
            all.InsertRange(0, page.Items);
        }
        return all;
    }

    public Task<EventStreamReader> StreamAsync(string token, WebApplicationFactory<Api.Public.Program>? host = null, string? lastEventId = null) =>
        EventStreamReader.OpenAsync((host ?? Hosts.Public).CreateClient(), $"/api/{PartyOf(token, this)}/events", token, lastEventId);

    public async Task<Answer> CallAsync(HttpMethod method, string token, string path, object? body, WebApplicationFactory<Api.Public.Program>? host = null)
    {
        using var http = (host ?? Hosts.Public).CreateClient();
        using var request = new HttpRequestMessage(method, $"/api/{PartyOf(token, this)}/sessions/{SessionId}/{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request);
        return new Answer((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>An enum of the generated client as the server spells it (<c>ending-soon</c>), null for null.</summary>
    public static string? Code<T>(T? value) where T : struct, Enum =>
        value is { } v ? JsonSerializer.Serialize(v, CodeOptions).Trim('"') : null;

    public static string Code<T>(T value) where T : struct, Enum => Code((T?)value)!;

    private static readonly JsonSerializerOptions CodeOptions = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
}

public sealed record Answer(int Status, string Body)
{
    public MessageView Message => JsonSerializer.Deserialize<MessageView>(Body, Talk.JsonOptions)!;

    public string? Problem => Status >= 400 ? Problems.Parse(Status, Body).Name : null;
}
