using HaloBestie.Api.Public.Endpoints;
using HaloBestie.Application.Common;
using HaloBestie.Application.Realtime;
using HaloBestie.Infrastructure;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Persistence;
using HaloBestie.Infrastructure.Web;
using HaloBestie.Infrastructure.Workers;

namespace HaloBestie.Api.Public;

/// <summary>The host the apps talk to (default http://0.0.0.0:3000): <c>/api/client</c>, <c>/api/mitra</c>, <c>/api/shared</c>.</summary>
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
            "Halo Bestie public API",
            "API of the client app and the mitra app. Client and mitra routes take a Firebase ID token as bearer token.",
            "http://0.0.0.0:3000",
            AppEvents.All);
        builder.Services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.PipelineBehaviors = [typeof(LoggingBehavior<,>), typeof(ValidationBehavior<,>)];
        });
        builder.Services.AddFirebaseAuthentication(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton<WorkerTicks>();
        builder.Services.AddHostedService<PresenceSweeper>();
        builder.Services.AddHostedService<DurableTimersWorker>();
        builder.Services.AddHostedService<DeviceHousekeeping>();
        builder.Services.AddHostedService<DataRightsWorker>();

        var app = builder.Build();
        if (await app.RunIfAskedAsync(args))
            return 0;
        // DataRights:AccountHashKey is checked now, not at the first sign-in (StartupRefusedException).
        _ = app.Services.GetRequiredService<Application.DataRights.IAccountHasher>();

        app.UseHaloBestieDefaults();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter(); // after authentication: limits per Firebase UID need the verified token

        app.MapHealthEndpoints();
        app.MapClientEndpoints();
        app.MapClientPairingEndpoints();
        app.MapMitraEndpoints();
        app.MapMitraPairingEndpoints();
        app.MapClientSessionEndpoints();
        app.MapMitraSessionEndpoints();
        app.MapClientPaymentEndpoints();
        app.MapSharedEndpoints();
        app.MapPaymentWebhookEndpoints();

        await app.RunAsync();
        return 0;
    }
}
