using HaloBestie.Application.Payments;
using Marten;
using Microsoft.Extensions.Hosting;

namespace HaloBestie.Infrastructure.Payments;

/// <summary>
/// In Production, a host refuses to start when packages are on sale but the Xendit secrets are
/// missing: clients would see packages they cannot buy.
/// </summary>
public sealed class PaymentsConfigurationCheck(IDocumentStore store, XenditOptions options, IHostEnvironment environment) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsProduction() || options.IsConfigured)
            return;
        await using var session = store.QuerySession();
        if (await session.Query<SessionPackage>().AnyAsync(p => p.IsActive, cancellationToken))
            throw new StartupRefusedException("Session packages are active but Xendit is not configured. Set Xendit__SecretKey and Xendit__CallbackToken (or retire the packages).");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
