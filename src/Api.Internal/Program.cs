using HaloBestie.Api.Internal.ControlCenter;
using HaloBestie.Api.Internal.Endpoints;
using HaloBestie.Application.Common;
using HaloBestie.Infrastructure;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Persistence;
using HaloBestie.Infrastructure.Web;

namespace HaloBestie.Api.Internal;

/// <summary>The control-center host (default http://127.0.0.1:3001): <c>/api/internal/*</c> only.</summary>
public sealed class Program
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            return await RunAsync(args);
        }
        catch (StartupRefusedException e)
        {
            return StartupRefusedException.Report(e);
        }
    }

    private static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddHaloBestieCore(
            "Halo Bestie internal API",
            "Control-center API: staff, mitras, clients, sessions, dashboard, audit. Never exposed on the public listener.",
            "http://127.0.0.1:3001");
        builder.Services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.PipelineBehaviors = [typeof(LoggingBehavior<,>), typeof(ValidationBehavior<,>)];
        });
        builder.Services.AddStaffAuthentication(builder.Configuration, builder.Environment);
        builder.Services.AddHostedService<BootstrapAdminService>();

        var app = builder.Build();
        if (await app.RunIfAskedAsync(args))
            return 0;

        app.UseHaloBestieDefaults();
        app.UseConsole(); // the control-center console at / (src/Console), before authentication: its files are public
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter(); // after authentication: limits per Firebase UID need the verified token

        app.MapHealthEndpoints();
        var api = app.MapGroup("/api/internal");
        api.MapStaffAuthEndpoints();
        api.MapStaffEndpoints();
        api.MapMitraEndpoints();
        api.MapClientEndpoints();
        api.MapSettingsEndpoints();
        api.MapPairingEndpoints();
        api.MapSessionEndpoints();
        api.MapCareEndpoints();
        api.MapDashboardEndpoints();
        api.MapPackageEndpoints();
        api.MapAuditEndpoints();

        await app.RunAsync();
        return 0;
    }
}
