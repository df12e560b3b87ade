using HaloBestie.Application.Payments;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HaloBestie.Infrastructure.Payments;

/// <summary>
/// In Production, a host refuses to start when packages are on sale but the Xendit secrets are
/// missing: clients would see packages they cannot buy.
/// </summary>
/// <remarks>When PostgreSQL cannot be asked at start-up, the host starts (and reports not ready) rather than fail on it.</remarks>
public sealed partial class PaymentsConfigurationCheck(IDocumentStore store, XenditOptions options, IHostEnvironment environment, ILogger<PaymentsConfigurationCheck> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsProduction() || options.IsConfigured)
            return;
        bool packagesOnSale;
        try
        {
            await using var session = store.QuerySession();
            packagesOnSale = await session.Query<SessionPackage>().AnyAsync(p => p.IsActive, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or Marten.Exceptions.MartenException)
        {
            LogUnchecked(logger, e.Message);
            return;
        }
        if (packagesOnSale)
            throw new StartupRefusedException("Session packages are active but Xendit is not configured. Set Xendit__SecretKey and Xendit__CallbackToken (or retire the packages).");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check for active packages without Xendit configured: {Reason}")]
    private static partial void LogUnchecked(ILogger logger, string reason);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
