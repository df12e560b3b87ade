using FluentValidation;
using HaloBestie.Application.Callers;
using HaloBestie.Application.Common;
using HaloBestie.Application.Conversation;
using HaloBestie.Application.Dashboard;
using HaloBestie.Application.Mitras;
using HaloBestie.Application.Pairing;
using HaloBestie.Application.Presence;
using HaloBestie.Application.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace HaloBestie.Application;

/// <summary>
/// The services of the use cases, besides the handlers (the Mediator generator registers those in
/// each host) and the ports Infrastructure implements (<c>IPresenceStore</c>, <c>IRealtime</c>, <c>ITypingSignals</c>,
/// <c>IPaymentProvider</c>, <c>IFirebaseCaller</c>, <c>ICurrentStaff</c>). All are singletons: they
/// hold no request state and open their own Marten sessions.
/// </summary>
public static class ApplicationSetup
{
    public static IServiceCollection AddHaloBestieApplication(this IServiceCollection services)
    {
        services.AddValidatorsFromAssemblyContaining<RegisterMitra>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddSingleton<StreamWrites>();
        services.AddSingleton<MitraIdentities>();
        services.AddScoped<Caller>();
        services.AddSingleton<PresenceTransitions>();
        services.AddSingleton<PairingNotifications>();
        services.AddSingleton<PairingTimers>();
        services.AddSingleton<ConversationNotifications>();
        services.AddSingleton<SessionNotifications>();
        services.AddSingleton<SessionLifecycle>();
        services.AddSingleton<SessionTimeUp>();
        services.AddSingleton<DashboardCache>();
        services.AddSingleton<Devices.StaleDevices>();
        services.AddSingleton<DataRights.AccountErasure>();
        services.AddSingleton<DataRights.TranscriptRetention>();
        return services;
    }
}
