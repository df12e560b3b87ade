using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HaloBestie.FakeFcm;

/// <summary>
/// The lifetime of a web app that is one part of a larger process (a fake inside the benchmark
/// driver or a test run): started and stopped by its owner only. The default console lifetime
/// would take the whole process's Ctrl-C and SIGTERM for itself — stop this one app and cancel the
/// process's own termination — so a benchmark driver asked to stop went on running without its fakes
/// until scripts/lib/driver.sh killed it.
/// </summary>
public sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A slim web app builder for a fake inside this process: <paramref name="url"/> (a free loopback port by default), this lifetime.</summary>
    public static WebApplicationBuilder CreateBuilder(string url = "http://127.0.0.1:0")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        return builder;
    }
}
