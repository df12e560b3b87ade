using System.Net.Http.Headers;
using System.Text.Json;
using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Pairing;

/// <summary>
/// Races around offers and closing that the other pairing tests do not time: the global capacity
/// raised, a cancel meeting an accept. Own schema: one test changes the global capacity.
/// </summary>
public class PairingRaceTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    [Fact]
    public async Task SetMaxCustomers_when_raised_offers_waiting_requests_to_mitras_who_were_full()
    {
        await SetMaxCustomersAsync(1);
        try
        {
            var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
            var (busy, _, _) = await hosts.NewRegisteredClientAsync();
            await mitra.AcceptPairingRequestAsync((await busy.RequestPairingAsync(new RequestPairing())).Id);
            var (waiting, _, _) = await hosts.NewRegisteredClientAsync();
            var request = await waiting.RequestPairingAsync(new RequestPairing());
            (await mitra.ListOfferedPairingRequestsAsync()).Should().NotContain(o => o.Id == request.Id, "the mitra is full");

            await SetMaxCustomersAsync(2);

            (await mitra.ListOfferedPairingRequestsAsync()).Should().Contain(o => o.Id == request.Id, "raising the capacity made the mitra available");
            (await mitra.AcceptPairingRequestAsync(request.Id)).SessionId.Should().NotBeEmpty();
        }
        finally
        {
            await SetMaxCustomersAsync(3);
        }
    }

    [Fact]
    public async Task Cancel_when_an_accept_races_it_either_wins_or_is_request_closed_and_exactly_one_happens()
    {
        // Rounds go on (15 at least, 60 at most) until each side has won at least once: a race
        // the same side always wins is one the server may have taken one call at a time.
        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var wins = new Dictionary<string, int> { ["cancel"] = 0, ["accept"] = 0 };
        for (var round = 0; round < 60 && (round < 15 || wins.ContainsValue(0)); round++)
        {
            var (client, _, _) = await hosts.NewRegisteredClientAsync();
            var request = await client.RequestPairingAsync(new RequestPairing());

            var outcomes = await Race.AtOnceAsync(
                () => OutcomeOf(() => client.CancelPairingRequestAsync(request.Id)),
                () => OutcomeOf(() => mitra.AcceptPairingRequestAsync(request.Id)));
            var (cancelled, accepted) = (outcomes[0], outcomes[1]);

            cancelled.Should().BeOneOf("ok", "request-closed");
            accepted.Should().BeOneOf("ok", "request-closed");
            outcomes.Count(o => o == "ok").Should().Be(1, $"round {round}: cancel {cancelled}, accept {accepted}");
            wins[accepted == "ok" ? "accept" : "cancel"]++;
            var state = await client.GetMyPairingRequestAsync(request.Id);
            state.Status.Should().Be(accepted == "ok" ? HaloBestie.Clients.Public.PairingStatus.Matched : HaloBestie.Clients.Public.PairingStatus.Cancelled);
            (await OutcomeOf(() => client.GetMyActiveSessionAsync())).Should().Be(accepted == "ok" ? "ok" : "not-found", "a session exists only if the accept won");
            if (state.SessionId is { } sessionId)
                await client.EndMySessionAsync(sessionId, null); // frees the mitra for the next round
        }

        wins.Should().OnlyContain(w => w.Value > 0, $"both sides win some rounds (cancel {wins["cancel"]}, accept {wins["accept"]})");
    }

    [Fact]
    public async Task ListOffered_when_a_request_is_offered_shows_it_with_the_fields_of_api_md()
    {
        var (_, token, _) = await hosts.NewOnlineMitraAsync();
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var request = await client.RequestPairingAsync(new RequestPairing { Note = "capek kerja" });
        using var http = hosts.Public.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var list = JsonDocument.Parse(await http.GetStringAsync("/api/mitra/pairing-requests"));

        var item = list.RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetGuid() == request.Id);
        item.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["id", "client", "topic", "note", "expiresAt"]);
        item.GetProperty("client").GetProperty("alias").GetString().Should().NotBeNullOrEmpty();
        item.GetProperty("note").GetString().Should().Be("capek kerja");
    }

    private static async Task<string> OutcomeOf(Func<Task> call)
    {
        try
        {
            await call();
            return "ok";
        }
        catch (HaloBestie.Clients.Public.ApiException e)
        {
            return (await ProblemOf(() => Task.FromException(e))).Name;
        }
    }

    private Task SetMaxCustomersAsync(int max) => hosts.ChangeSettingsAsync(s => s.MaxCustomersPerMitra = max);
}
