using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;

namespace HaloBestie.Infrastructure.Web;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: PostgreSQL and Valkey both
/// answer within 3 s; the JSON names the one that does not. Why it does not (the exception's
/// text: host names, ports, server messages) is logged, and shown in the JSON only in Development:
/// the readiness route is open to anyone who reaches the host.
/// </summary>
public static partial class Health
{
    private const string Ready = "ready";
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public static IServiceCollection AddHaloBestieHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres", HealthStatus.Unhealthy, [Ready], CheckTimeout)
            .AddCheck<ValkeyHealthCheck>("valkey", HealthStatus.Unhealthy, [Ready], CheckTimeout);
        return services;
    }

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync });
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1) }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private static string Unhealthy(IHostEnvironment environment, ILogger logger, string service, Exception e)
    {
        LogUnhealthy(logger, service, e.GetType().Name, e.Message);
        return environment.IsDevelopment() ? $"{service} does not answer: {e.Message}" : $"{service} does not answer.";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: {Service} does not answer ({ExceptionType}: {Reason})")]
    private static partial void LogUnhealthy(ILogger logger, string service, string exceptionType, string reason);

    private sealed class PostgresHealthCheck(NpgsqlDataSource dataSource, IHostEnvironment environment, ILogger<PostgresHealthCheck> logger) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("select 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy("PostgreSQL answers.");
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy(Unhealthy(environment, logger, "PostgreSQL", e));
            }
        }
    }

    private sealed class ValkeyHealthCheck(IConnectionMultiplexer valkey, IHostEnvironment environment, ILogger<ValkeyHealthCheck> logger) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var latency = await valkey.GetDatabase().PingAsync().WaitAsync(cancellationToken);
                return HealthCheckResult.Healthy($"Valkey answers in {latency.TotalMilliseconds:0.0} ms.");
            }
            catch (Exception e) when (e is RedisException or OperationCanceledException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy(Unhealthy(environment, logger, "Valkey", e));
            }
        }
    }
}
