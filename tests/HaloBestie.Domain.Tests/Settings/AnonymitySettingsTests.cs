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
    public void With_display_names_shown_a_mitra_gets_the_clients_display_name()
    {
        var settings = new AnonymitySettings(ShowClientDisplayName: true, ShowMitraFullName: false);

        settings.ClientNameForMitra(ClientNamed("Sekar")).Should().Be("Sekar");
    }

    [Fact]
    public void With_display_names_shown_a_client_without_one_is_its_alias()
    {
        var client = ClientNamed(null);

        new AnonymitySettings(ShowClientDisplayName: true, ShowMitraFullName: false).ClientNameForMitra(client).Should().Be(ClientAlias.Of(client.Id));
    }

    [Fact]
    public void With_display_names_hidden_a_mitra_gets_the_clients_stable_alias_and_nothing_of_its_identity()
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
    public void The_client_side_setting_does_not_change_what_a_mitra_sees(bool showMitraFullName)
    {
        var client = ClientNamed("Sekar");

        new AnonymitySettings(ShowClientDisplayName: true, showMitraFullName).ClientNameForMitra(client).Should().Be("Sekar");
        new AnonymitySettings(ShowClientDisplayName: false, showMitraFullName).ClientNameForMitra(client).Should().Be(client.Alias);
    }

    [Theory]
    [InlineData(true, "Ratna Kusumawati")]
    [InlineData(false, "Kak Ratna")]
    public void A_client_gets_the_mitras_full_name_only_when_shown_else_its_public_alias(bool showMitraFullName, string expected)
    {
        var mitra = Mitra();

        new AnonymitySettings(ShowClientDisplayName: true, showMitraFullName).MitraNameForClient(mitra).Should().Be(expected);
        new AnonymitySettings(ShowClientDisplayName: false, showMitraFullName).MitraNameForClient(mitra).Should().Be(expected, "the mitra-side setting does not change it");
    }

    [Fact]
    public void The_defaults_show_the_clients_display_name_and_the_mitras_alias()
    {
        var defaults = PlatformSettings.Defaults.Anonymity;

        defaults.ClientNameForMitra(ClientNamed("Sekar")).Should().Be("Sekar");
        defaults.MitraNameForClient(Mitra()).Should().Be("Kak Ratna");
    }
}
