using HaloBestie.Domain.Devices;

namespace HaloBestie.Domain.Tests.Devices;

public class DeviceDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid ClientId = Guid.CreateVersion7();

    [Fact]
    public void Register_when_new_starts_the_installation_now()
    {
        var device = DeviceDecisions.Register(null, "inst-1", DeviceOwners.Client, ClientId, "token-a", DevicePlatforms.Android, Now);

        device.Should().Be(new Device("inst-1", DeviceOwners.Client, ClientId, "token-a", DevicePlatforms.Android, Now, Now));
    }

    [Fact]
    public void Register_when_the_same_owner_registers_again_replaces_the_token_and_keeps_the_first_registration()
    {
        var first = DeviceDecisions.Register(null, "inst-1", DeviceOwners.Client, ClientId, "token-a", DevicePlatforms.Android, Now);

        var again = DeviceDecisions.Register(first, "inst-1", DeviceOwners.Client, ClientId, "token-b", DevicePlatforms.Ios, Now.AddDays(1));

        again.Should().Be(first with { FcmToken = "token-b", Platform = DevicePlatforms.Ios, RefreshedAt = Now.AddDays(1) });
    }

    [Theory]
    [InlineData(DeviceOwners.Mitra, false)]
    [InlineData(DeviceOwners.Client, true)]
    public void Register_when_another_account_signs_in_on_the_installation_starts_it_anew(string ownerKind, bool otherId)
    {
        var first = DeviceDecisions.Register(null, "inst-1", DeviceOwners.Client, ClientId, "token-a", DevicePlatforms.Android, Now);
        var newOwner = otherId ? Guid.CreateVersion7() : ClientId;

        var moved = DeviceDecisions.Register(first, "inst-1", ownerKind, newOwner, "token-a", DevicePlatforms.Android, Now.AddDays(1));

        moved.Should().Be(new Device("inst-1", ownerKind, newOwner, "token-a", DevicePlatforms.Android, Now.AddDays(1), Now.AddDays(1)));
    }

    [Theory]
    [InlineData("a", 1, true)]
    [InlineData("fcm:APA91b-_x.y", 20, true)]
    [InlineData("~!", 2, true)]
    [InlineData("ab", 1, false)]
    [InlineData("", 10, false)]
    [InlineData(null, 10, false)]
    [InlineData("with space", 20, false)]
    [InlineData("tab\t", 20, false)]
    [InlineData("del\u007f", 20, false)]
    [InlineData("é", 20, false)]
    public void IsToken_accepts_only_visible_ASCII_up_to_the_limit(string? value, int max, bool expected) =>
        DeviceDecisions.IsToken(value, max).Should().Be(expected);
}
