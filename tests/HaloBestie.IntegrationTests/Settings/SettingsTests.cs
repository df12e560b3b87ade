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
        CrisisResources = s.CrisisResources,
        MinSupportedVersion = s.MinSupportedVersion,
        BackgroundReachableMinutes = s.BackgroundReachableMinutes,
        TranscriptRetentionDays = s.TranscriptRetentionDays,
    };

    [Fact]
    public async Task UpdateSettings_when_valid_round_trips_is_audited_and_reaches_the_apps_config()
    {
        var admin = await hosts.AdminAsync();
        var me = await admin.GetCurrentStaffAsync();
        // Every default of PRODUCT.md and docs/control-center.md#settings: this class's schema is
        // fresh and the fixture overrides no setting (the other tests here put back what they change).
        var defaults = await admin.GetSettingsAsync();
        defaults.Should().BeEquivalentTo(new
        {
            MaxCustomersPerMitra = 3,
            PairingTimeoutSeconds = 60,
            HeartbeatIntervalSeconds = 30,
            HeartbeatTimeoutSeconds = 90,
            SessionDurationMinutes = 60,
            TrialSessions = 1,
            Topics = new[] { "Keluarga", "Percintaan", "Pekerjaan", "Pendidikan", "Pertemanan", "Kesehatan mental", "Lainnya" },
            TimeZone = "Asia/Jakarta",
            Anonymity = new { ShowClientDisplayName = true, ShowMitraFullName = false },
            BackgroundReachableMinutes = 15,
            TranscriptRetentionDays = 365,
        }, o => o.WithStrictOrdering());
        var appConfig = await hosts.AnonymousPublic().GetAppConfigAsync();
        appConfig.Should().BeEquivalentTo(new { HeartbeatIntervalSeconds = 30, PairingTimeoutSeconds = 60, Topics = defaults.Topics }, o => o.WithStrictOrdering());

        var update = From(defaults);
        update.PairingTimeoutSeconds = 45;
        update.HeartbeatIntervalSeconds = 20;
        update.Topics = ["Keluarga", "Karier"];
        update.Anonymity = new AnonymitySettings { ShowClientDisplayName = false, ShowMitraFullName = true };
        update.CrisisResources = ["SEJIWA 119 ext. 8", "Layanan darurat 112"];
        update.MinSupportedVersion = new AppVersions { Android = "1.4.0", Ios = "1.3.2" };
        update.BackgroundReachableMinutes = 240;
        update.TranscriptRetentionDays = 3650;
        var saved = await admin.UpdateSettingsAsync(update);
        saved.BackgroundReachableMinutes.Should().Be(240);

        saved.Should().BeEquivalentTo(update);
        (await admin.GetSettingsAsync()).Should().BeEquivalentTo(update);
        var config = await hosts.AnonymousPublic().GetAppConfigAsync();
        config.PairingTimeoutSeconds.Should().Be(45);
        config.HeartbeatIntervalSeconds.Should().Be(20);
        config.Topics.Should().Equal("Keluarga", "Karier");
        config.ServerTime.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(5));
        (config.HeartbeatTimeoutSeconds, config.PaymentsEnabled).Should().Be((update.HeartbeatTimeoutSeconds, false), "Xendit is not configured in these hosts");
        (config.MinSupportedVersion.Android, config.MinSupportedVersion.Ios).Should().Be(("1.4.0", "1.3.2"));

        var audit = await admin.ListAuditEntriesAsync(me.Id, null, null, null, null);
        var entry = audit.Items.First(e => e.Action == "settings.updated");
        entry.Detail.Should().Contain("pairingTimeoutSeconds: 60 → 45").And.Contain("anonymity.showMitraFullName: False → True")
            .And.Contain("backgroundReachableMinutes: 15 → 240").And.Contain("transcriptRetentionDays: 365 → 3650");
    }

    // The ranges of API.md (GET, PUT /settings), each bound missed by one.
    public static TheoryData<string, string> Invalid => new()
    {
        { "heartbeat-timeout-not-above-interval", "heartbeatTimeoutSeconds" },
        { "heartbeat-timeout-too-long", "heartbeatTimeoutSeconds" },
        { "heartbeat-interval-zero", "heartbeatIntervalSeconds" },
        { "heartbeat-interval-too-long", "heartbeatIntervalSeconds" },
        { "capacity-zero", "maxCustomersPerMitra" },
        { "capacity-too-high", "maxCustomersPerMitra" },
        { "pairing-timeout-too-short", "pairingTimeoutSeconds" },
        { "pairing-timeout-too-long", "pairingTimeoutSeconds" },
        { "session-too-short", "sessionDurationMinutes" },
        { "session-too-long", "sessionDurationMinutes" },
        { "trial-negative", "trialSessions" },
        { "trial-too-many", "trialSessions" },
        { "duplicate-topics", "topics" },
        { "no-topics", "topics" },
        { "unknown-time-zone", "timeZone" },
        { "background-minutes-negative", "backgroundReachableMinutes" },
        { "background-minutes-too-long", "backgroundReachableMinutes" },
        { "retention-negative", "transcriptRetentionDays" },
        { "retention-too-long", "transcriptRetentionDays" },
        { "version-not-three-numbers", "minSupportedVersion.android" },
        { "version-with-letters", "minSupportedVersion.ios" },
        { "no-crisis-resources", "crisisResources" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task UpdateSettings_when_invalid_returns_400_naming_the_field_and_changes_nothing(string how, string field)
    {
        var admin = await hosts.AdminAsync();
        var before = await admin.GetSettingsAsync();
        var update = From(before);
        switch (how)
        {
            case "heartbeat-timeout-not-above-interval": update.HeartbeatIntervalSeconds = 60; update.HeartbeatTimeoutSeconds = 60; break;
            case "heartbeat-timeout-too-long": update.HeartbeatTimeoutSeconds = 3601; break;
            case "heartbeat-interval-zero": update.HeartbeatIntervalSeconds = 0; break;
            case "heartbeat-interval-too-long": update.HeartbeatIntervalSeconds = 301; update.HeartbeatTimeoutSeconds = 3600; break;
            case "capacity-zero": update.MaxCustomersPerMitra = 0; break;
            case "capacity-too-high": update.MaxCustomersPerMitra = 21; break;
            case "pairing-timeout-too-short": update.PairingTimeoutSeconds = 4; break;
            case "pairing-timeout-too-long": update.PairingTimeoutSeconds = 601; break;
            case "session-too-short": update.SessionDurationMinutes = 4; break;
            case "session-too-long": update.SessionDurationMinutes = 241; break;
            case "trial-negative": update.TrialSessions = -1; break;
            case "trial-too-many": update.TrialSessions = 11; break;
            case "duplicate-topics": update.Topics = ["Keluarga", "keluarga "]; break;
            case "version-not-three-numbers": update.MinSupportedVersion = new AppVersions { Android = "1.4", Ios = "0.0.0" }; break;
            case "version-with-letters": update.MinSupportedVersion = new AppVersions { Android = "1.4.0", Ios = "1.4.0-beta" }; break;
            case "no-crisis-resources": update.CrisisResources = []; break;
            case "no-topics": update.Topics = []; break;
            case "unknown-time-zone": update.TimeZone = "Mars/Olympus"; break;
            case "background-minutes-negative": update.BackgroundReachableMinutes = -1; break;
            case "background-minutes-too-long": update.BackgroundReachableMinutes = 241; break;
            case "retention-negative": update.TranscriptRetentionDays = -1; break;
            case "retention-too-long": update.TranscriptRetentionDays = 3651; break;
        }

        var problem = await ProblemOf(() => admin.UpdateSettingsAsync(update));

        problem.Name.Should().Be("validation");
        problem.Errors.Keys.Should().BeEquivalentTo(new[] { field }, "only {0} is out of range", field);
        (await admin.GetSettingsAsync()).Should().BeEquivalentTo(before);
    }

    /// <summary>Every bound of API.md itself is accepted: the lowest values, the highest, and a timeout one above the highest interval.</summary>
    [Theory]
    [InlineData(1, 5, 1, 2, 5, 0)]
    [InlineData(20, 600, 300, 3600, 240, 10)]
    [InlineData(20, 600, 300, 301, 240, 10)]
    public async Task UpdateSettings_when_each_value_is_on_its_bound_accepts_them(int maxCustomers, int pairingTimeout, int heartbeatInterval, int heartbeatTimeout, int sessionMinutes, int trialSessions)
    {
        var admin = await hosts.AdminAsync();
        var before = await admin.GetSettingsAsync();
        var update = From(before);
        update.MaxCustomersPerMitra = maxCustomers;
        update.PairingTimeoutSeconds = pairingTimeout;
        update.HeartbeatIntervalSeconds = heartbeatInterval;
        update.HeartbeatTimeoutSeconds = heartbeatTimeout;
        update.SessionDurationMinutes = sessionMinutes;
        update.TrialSessions = trialSessions;
        try
        {
            (await admin.UpdateSettingsAsync(update)).Should().BeEquivalentTo(update);
            (await admin.GetSettingsAsync()).Should().BeEquivalentTo(update);
        }
        finally
        {
            await admin.UpdateSettingsAsync(From(before)); // the round-trip test reads the defaults
        }
    }

    [Fact]
    public async Task UpdateSettings_when_an_operator_asks_returns_403_though_it_can_read_them()
    {
        var (op, _) = await hosts.NewStaffAsync();
        var current = await op.GetSettingsAsync();

        (await ProblemOf(() => op.UpdateSettingsAsync(From(current)))).Status.Should().Be(403);
    }
}
