using HaloBestie.Application.Staff;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaloBestie.Infrastructure.Identity;

/// <summary>
/// Creates the first admin from <c>ControlCenter:BootstrapAdmin</c> when no staff exist. Runs in
/// the background and retries while PostgreSQL is not reachable, so start-up never waits on it.
/// </summary>
public sealed partial class BootstrapAdminService(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<BootstrapAdminService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var email = configuration["ControlCenter:BootstrapAdmin:Email"];
        var password = configuration["ControlCenter:BootstrapAdmin:Password"];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(password))
        {
            LogNotConfigured(logger);
            return;
        }

        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var created = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new EnsureBootstrapAdmin(email, password), stoppingToken);
                if (created)
                    LogCreated(logger, email);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Another instance may have inserted it first (unique email): the next attempt sees staff and stops.
                LogRetry(logger, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt * 2, 30)), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap admin {Email} created")]
    private static partial void LogCreated(ILogger logger, string email);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No ControlCenter:BootstrapAdmin configured; no first admin will be created")]
    private static partial void LogNotConfigured(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bootstrap admin not ensured yet (attempt {Attempt}): {Reason}")]
    private static partial void LogRetry(ILogger logger, int attempt, string reason);
}
