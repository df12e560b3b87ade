using HaloBestie.Clients.Internal;
using HaloBestie.IntegrationTests.Infrastructure;
using static HaloBestie.IntegrationTests.Infrastructure.Problems;

namespace HaloBestie.IntegrationTests.Settings;

public class SettingsTests(HostsFixture hosts) : IClassFixture<HostsFixture>
{
    private static UpdateSettings From(PlatformSettings s) => new()
    {
        MaxCustomersPerMitra = s.MaxCustomersPerMitra,
        PairingTimeoutSeconds = s.PairingTimeoutSeconds,
        HeartbeatIntervalSeconds = s.HeartbeatIntervalSeconds,
        HeartbeatTimeoutSeconds = s.HeartbeatTimeoutSeconds,
        SessionDurationMinutes = s.SessionDurationMinutes,
        TrialSessions = s.TrialSessions,
        Topics = s.Topics,
        TimeZone = s.TimeZone,
        Anonymity = s.Anonymity,
    };

    [Fact]
    public async Task Settings_round_trip_are_audited_and_reach_the_apps_config()
    {
        var admin = await hosts.AdminAsync();
        var me = await admin.GetCurrentStaffAsync();
        var defaults = await admin.GetSettingsAsync();
        defaults.MaxCustomersPerMitra.Should().Be(3);
        defaults.PairingTimeoutSeconds.Should().Be(60);
        defaults.HeartbeatTimeoutSeconds.Should().Be(90);

        var update = From(defaults);
        update.PairingTimeoutSeconds = 45;
        update.HeartbeatIntervalSeconds = 20;
        update.Topics = ["Keluarga", "Karier"];
        update.Anonymity = new AnonymitySettings { ShowClientDisplayName = false, ShowMitraFullName = true };
        var saved = await admin.UpdateSettingsAsync(update);

        saved.Should().BeEquivalentTo(update);
        (await admin.GetSettingsAsync()).Should().BeEquivalentTo(update);
        var config = await hosts.AnonymousPublic().GetAppConfigAsync();
        config.PairingTimeoutSeconds.Should().Be(45);
        config.HeartbeatIntervalSeconds.Should().Be(20);
        config.Topics.Should().Equal("Keluarga", "Karier");

        var audit = await admin.ListAuditEntriesAsync(me.Id, null, null, null, null);
        var entry = audit.Items.First(e => e.Action == "settings.updated");
        entry.Detail.Should().Contain("pairingTimeoutSeconds: 60 → 45").And.Contain("anonymity.showMitraFullName: False → True");
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "heartbeat-timeout-not-above-interval", "heartbeatTimeoutSeconds" },
        { "capacity-zero", "maxCustomersPerMitra" },
        { "pairing-timeout-too-long", "pairingTimeoutSeconds" },
        { "session-too-short", "sessionDurationMinutes" },
        { "trial-negative", "trialSessions" },
        { "duplicate-topics", "topics" },
        { "no-topics", "topics" },
        { "unknown-time-zone", "timeZone" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Invalid_settings_return_400_naming_the_field_and_change_nothing(string how, string field)
    {
        var admin = await hosts.AdminAsync();
        var before = await admin.GetSettingsAsync();
        var update = From(before);
        switch (how)
        {
            case "heartbeat-timeout-not-above-interval": update.HeartbeatIntervalSeconds = 60; update.HeartbeatTimeoutSeconds = 60; break;
            case "capacity-zero": update.MaxCustomersPerMitra = 0; break;
            case "pairing-timeout-too-long": update.PairingTimeoutSeconds = 601; break;
            case "session-too-short": update.SessionDurationMinutes = 4; break;
            case "trial-negative": update.TrialSessions = -1; break;
            case "duplicate-topics": update.Topics = ["Keluarga", "keluarga "]; break;
            case "no-topics": update.Topics = []; break;
            case "unknown-time-zone": update.TimeZone = "Mars/Olympus"; break;
        }

        var problem = await ProblemOf(() => admin.UpdateSettingsAsync(update));

        problem.Name.Should().Be("validation");
        problem.Errors.Should().ContainKey(field);
        (await admin.GetSettingsAsync()).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task Operators_read_settings_but_cannot_change_them()
    {
        var (op, _) = await hosts.NewStaffAsync();
        var current = await op.GetSettingsAsync();

        (await ProblemOf(() => op.UpdateSettingsAsync(From(current)))).Status.Should().Be(403);
    }
}
