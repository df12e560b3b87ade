using HaloBestie.Domain.Clients;
using HaloBestie.Domain.Mitras;
using HaloBestie.Domain.Settings;

namespace HaloBestie.Domain.Tests.Settings;

public class AnonymitySettingsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    private static Client ClientNamed(string? displayName)
    {
        var client = Client.Create(ClientDecisions.SignUp(Guid.CreateVersion7(), "uid-secret", "phone", "secret@example.com", "+6285712345678", Now));
        return displayName is null ? client : client.Apply(new ClientDisplayNameSet(client.Id, displayName, Now));
    }

    private static Mitra Mitra() =>
        HaloBestie.Domain.Mitras.Mitra.Create(new MitraRegistered(Guid.CreateVersion7(), "Ratna Kusumawati", "+6281312345678", "Kak Ratna", "Bio", [], Guid.CreateVersion7(), Now));

    [Fact]
    public void ClientNameForMitra_when_display_names_are_shown_is_the_clients_display_name()
    {
        var settings = new AnonymitySettings(ShowClientDisplayName: true, ShowMitraFullName: false);

        settings.ClientNameForMitra(ClientNamed("Sekar")).Should().Be("Sekar");
    }

    [Fact]
    public void ClientNameForMitra_when_shown_but_the_client_has_no_display_name_is_its_alias()
    {
        var client = ClientNamed(null);

        new AnonymitySettings(ShowClientDisplayName: true, ShowMitraFullName: false).ClientNameForMitra(client).Should().Be(ClientAlias.Of(client.Id));
    }

    [Fact]
    public void ClientNameForMitra_when_display_names_are_hidden_is_the_stable_alias_and_nothing_else()
    {
        var settings = new AnonymitySettings(ShowClientDisplayName: false, ShowMitraFullName: true);
        var client = ClientNamed("Sekar");

        var shown = settings.ClientNameForMitra(client);

        shown.Should().MatchRegex(@"^Bestie #\d{4}$").And.Be(ClientAlias.Of(client.Id)).And.Be(client.Alias);
        settings.ClientNameForMitra(client with { DisplayName = "Another" }).Should().Be(shown, "the alias depends on the client alone");
        shown.Should().NotContain("Sekar").And.NotContain("secret").And.NotContain("12345678").And.NotContain("uid");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ClientNameForMitra_when_the_client_side_setting_changes_stays_the_same(bool showMitraFullName)
    {
        var client = ClientNamed("Sekar");

        new AnonymitySettings(ShowClientDisplayName: true, showMitraFullName).ClientNameForMitra(client).Should().Be("Sekar");
        new AnonymitySettings(ShowClientDisplayName: false, showMitraFullName).ClientNameForMitra(client).Should().Be(client.Alias);
    }

    [Theory]
    [InlineData(true, "Ratna Kusumawati")]
    [InlineData(false, "Kak Ratna")]
    public void MitraNameForClient_when_full_names_are_shown_is_the_full_name_else_the_public_alias(bool showMitraFullName, string expected)
    {
        var mitra = Mitra();

        new AnonymitySettings(ShowClientDisplayName: true, showMitraFullName).MitraNameForClient(mitra).Should().Be(expected);
        new AnonymitySettings(ShowClientDisplayName: false, showMitraFullName).MitraNameForClient(mitra).Should().Be(expected, "the mitra-side setting does not change it");
    }

    [Fact]
    public void Defaults_when_nothing_is_set_show_the_clients_display_name_and_the_mitras_alias()
    {
        var defaults = PlatformSettings.Defaults.Anonymity;

        defaults.ClientNameForMitra(ClientNamed("Sekar")).Should().Be("Sekar");
        defaults.MitraNameForClient(Mitra()).Should().Be("Kak Ratna");
    }
}
