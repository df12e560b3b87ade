using HaloBestie.Domain.Settings;

namespace HaloBestie.Domain.Tests.Settings;

public class PlatformSettingsTests
{
    /// <summary>The defaults of PRODUCT.md (capacity 3, pairing 60 s, heartbeat 30 s / 90 s, sessions 60 min, 1 trial) and docs/control-center.md#settings.</summary>
    [Fact]
    public void Defaults_when_nothing_is_configured_are_the_documented_ones()
    {
        var defaults = PlatformSettings.Defaults;

        defaults.MaxCustomersPerMitra.Should().Be(3);
        defaults.PairingTimeoutSeconds.Should().Be(60);
        defaults.HeartbeatIntervalSeconds.Should().Be(30);
        defaults.HeartbeatTimeoutSeconds.Should().Be(90);
        defaults.SessionDurationMinutes.Should().Be(60);
        defaults.TrialSessions.Should().Be(1);
        defaults.Topics.Should().Equal("Keluarga", "Percintaan", "Pekerjaan", "Pendidikan", "Pertemanan", "Kesehatan mental", "Lainnya");
        defaults.TimeZone.Should().Be("Asia/Jakarta");
        defaults.Anonymity.Should().Be(new AnonymitySettings(ShowClientDisplayName: true, ShowMitraFullName: false));
        defaults.Id.Should().Be(PlatformSettings.DocumentId);
        defaults.CrisisResources.Should().Equal("SEJIWA 119 ext. 8");
        defaults.MinSupportedVersion.Should().Be(new AppVersions("0.0.0", "0.0.0"));
    }

    [Theory]
    [InlineData("0.0.0")]
    [InlineData("1.10.3")]
    [InlineData("123456789.0.1")]
    public void IsVersion_when_three_numbers_is_true(string version) => AppVersions.IsVersion(version).Should().BeTrue();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("1.a.3")]
    [InlineData("1..3")]
    [InlineData("1234567890.0.0")]
    [InlineData("1.2.-3")]
    [InlineData("v1.2.3")]
    [InlineData("1.2.3-beta")]
    public void IsVersion_when_not_three_numbers_of_at_most_nine_digits_is_false(string? version) => AppVersions.IsVersion(version).Should().BeFalse();
}
