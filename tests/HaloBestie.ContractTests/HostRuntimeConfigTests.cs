using System.Text.Json;

namespace HaloBestie.ContractTests;

/// <summary>
/// The runtime settings the hosts are measured with (docs/performance.md) are the ones their
/// build writes: a misspelt MSBuild property is silently ignored, as <c>ServerGarbageCollector</c>
/// was for a week (the hosts ran server GC while the docs said workstation).
/// </summary>
public class HostRuntimeConfigTests
{
    public static TheoryData<string> Hosts => ["HaloBestie.Api.Public", "HaloBestie.Api.Internal"];

    private static JsonElement ConfigPropertiesOf(string host)
    {
        // The SDK copies a referenced host's runtimeconfig.json next to this test assembly.
        var path = Path.Combine(AppContext.BaseDirectory, host + ".runtimeconfig.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Host_runs_workstation_GC(string host) =>
        ConfigPropertiesOf(host).GetProperty("System.GC.Server").GetBoolean().Should().BeFalse();

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Host_thread_pool_waits_without_spinning(string host) =>
        ConfigPropertiesOf(host).GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32().Should().Be(0);
}
