using HaloBestie.FakeFcm;
using HaloBestie.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace HaloBestie.IntegrationTests.Push;

/// <summary>
/// Both hosts with push on, pointed at a <see cref="FakeFcmServer"/> (its service account, its
/// token endpoint through the JSON's <c>token_uri</c>, its <c>messages:send</c>), on a fake clock.
/// </summary>
public sealed class PushFixture : HostsFixture
{
    private readonly string _serviceAccount = Path.Combine(Path.GetTempPath(), $"halobestie-fcm-{Guid.NewGuid():N}.json");

    public PushFixture() => Clock = new FakeTimeProvider(DateTimeOffset.UtcNow);

    public FakeFcmServer Fcm { get; private set; } = null!;

    public string ServiceAccountFile => _serviceAccount;

    protected override async Task<TestServers> ServersAsync()
    {
        Fcm = await FakeFcmServer.StartAsync();
        Fcm.WriteServiceAccount(_serviceAccount);
        return await base.ServersAsync();
    }

    protected override IReadOnlyDictionary<string, string> HostSettings => PushSettings(Fcm, _serviceAccount);

    public static IReadOnlyDictionary<string, string> PushSettings(FakeFcmServer fcm, string serviceAccountFile) => new Dictionary<string, string>
    {
        ["Push:Fcm:ServiceAccountFile"] = serviceAccountFile,
        ["Push:Fcm:BaseUrl"] = fcm.Url,
    };

    protected override async Task CleanUpAsync()
    {
        await base.CleanUpAsync();
        await Fcm.DisposeAsync();
        File.Delete(_serviceAccount);
    }
}
