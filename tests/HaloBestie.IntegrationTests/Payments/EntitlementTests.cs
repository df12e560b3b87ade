using HaloBestie.Clients.Internal;
using HaloBestie.Clients.Public;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Payments;

/// <summary>Own schema: these tests change trialSessions.</summary>
public class EntitlementTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private async Task SetTrialSessionsAsync(int trial)
    {
        var admin = await hosts.AdminAsync();
        var s = await admin.GetSettingsAsync();
        await admin.UpdateSettingsAsync(new UpdateSettings
        {
            MaxCustomersPerMitra = s.MaxCustomersPerMitra, PairingTimeoutSeconds = s.PairingTimeoutSeconds,
            HeartbeatIntervalSeconds = s.HeartbeatIntervalSeconds, HeartbeatTimeoutSeconds = s.HeartbeatTimeoutSeconds,
            SessionDurationMinutes = s.SessionDurationMinutes, TrialSessions = trial, Topics = s.Topics, TimeZone = s.TimeZone, Anonymity = s.Anonymity,
        });
    }

    [Fact]
    public async Task A_registered_client_gets_the_trial_once_spends_it_on_a_session_and_then_needs_to_pay()
    {
        await SetTrialSessionsAsync(1);
        var uid = "uid-" + Guid.NewGuid().ToString("N");
        var guest = hosts.PublicAs(FirebaseTokens.Emulator(uid));
        await guest.StartClientSessionAsync();
        (await guest.GetMyEntitlementsAsync()).TrialSessionsLeft.Should().Be(0, "guests get no trial");

        var client = hosts.PublicAs(FirebaseTokens.Emulator(uid, "google.com"));
        await client.RegisterClientAsync();
        await client.StartClientSessionAsync();
        (await client.GetMyEntitlementsAsync()).Should().BeEquivalentTo(new { TrialSessionsLeft = 1, Credits = 0 });

        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var first = await client.RequestPairingAsync(new RequestPairing());
        var session = await mitra.AcceptPairingRequestAsync(first.Id);
        (await client.GetMyEntitlementsAsync()).TrialSessionsLeft.Should().Be(0);
        await client.EndMySessionAsync(session.SessionId, null);

        (await ProblemOf(() => client.RequestPairingAsync(new RequestPairing()))).Should().BeEquivalentTo(new { Status = 403, Name = "payment-required" }, o => o.ExcludingMissingMembers());
        var detail = await (await hosts.AdminAsync()).GetClientAsync((await client.GetMyClientProfileAsync()).Id);
        detail.TrialSessionsLeft.Should().Be(0);
        detail.SessionCount.Should().Be(1);
    }

    [Fact]
    public async Task With_the_trial_disabled_a_new_client_must_pay_first()
    {
        await SetTrialSessionsAsync(0);
        try
        {
            var (client, _, _) = await hosts.NewRegisteredClientAsync();

            (await client.GetMyEntitlementsAsync()).TrialSessionsLeft.Should().Be(0);
            (await ProblemOf(() => client.RequestPairingAsync(new RequestPairing()))).Name.Should().Be("payment-required");
        }
        finally
        {
            await SetTrialSessionsAsync(1);
        }
    }

    [Fact]
    public async Task A_staff_end_within_five_minutes_gives_the_credit_back_and_a_client_end_does_not()
    {
        await SetTrialSessionsAsync(1);
        var (mitra, _, _) = await hosts.NewOnlineMitraAsync();
        var (staff, _) = await hosts.NewStaffAsync();

        var (returned, _, _) = await hosts.NewRegisteredClientAsync();
        var s1 = await mitra.AcceptPairingRequestAsync((await returned.RequestPairingAsync(new RequestPairing())).Id);
        await staff.EndSessionByStaffAsync(s1.SessionId, new EndSessionByStaffBody { Reason = "reroute impossible" });
        (await returned.GetMyEntitlementsAsync()).TrialSessionsLeft.Should().Be(1);

        var (kept, _, _) = await hosts.NewRegisteredClientAsync();
        var s2 = await mitra.AcceptPairingRequestAsync((await kept.RequestPairingAsync(new RequestPairing())).Id);
        await kept.EndMySessionAsync(s2.SessionId, null);
        (await kept.GetMyEntitlementsAsync()).TrialSessionsLeft.Should().Be(0);
    }

    [Fact]
    public async Task A_client_with_one_session_to_spend_gets_one_session_however_many_taps_and_accepts()
    {
        await SetTrialSessionsAsync(1);
        var (client, _, _) = await hosts.NewRegisteredClientAsync();
        var mitras = new[] { await hosts.NewOnlineMitraAsync(), await hosts.NewOnlineMitraAsync() };

        var taps = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            try { return (await client.RequestPairingAsync(new RequestPairing())).Id; }
            catch (Exception) { return Guid.Empty; }
        }));
        var requestId = taps.Single(id => id != Guid.Empty);
        var accepts = await Task.WhenAll(mitras.Select(async m =>
        {
            try { await m.App.AcceptPairingRequestAsync(requestId); return true; }
            catch (Exception) { return false; }
        }));

        accepts.Count(a => a).Should().Be(1);
        (await client.GetMyEntitlementsAsync()).Should().BeEquivalentTo(new { TrialSessionsLeft = 0, Credits = 0 });
        (await client.ListMySessionsAsync(null, null)).Total.Should().Be(1);
    }
}
