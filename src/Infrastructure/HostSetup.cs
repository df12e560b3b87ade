using System.Text.Json.Serialization;
using HaloBestie.Application;
using HaloBestie.Application.Common;
using HaloBestie.Infrastructure.Identity;
using HaloBestie.Infrastructure.Payments;
using HaloBestie.Infrastructure.Push;
using HaloBestie.Infrastructure.Persistence;
using HaloBestie.Infrastructure.Realtime;
using HaloBestie.Infrastructure.Telemetry;
using HaloBestie.Infrastructure.Valkey;
using HaloBestie.Infrastructure.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NSwag;
using NSwag.Generation.Processors.Security;

namespace HaloBestie.Infrastructure;

/// <summary>
/// What both hosts are made of. Each host's Program calls these explicitly, then maps its own
/// endpoint groups, so reading one Program tells what that host exposes.
/// </summary>
public static class HostSetup
{
    /// <summary><c>Logging:Format</c>: <c>cloud-logging</c> writes Cloud Logging's JSON shape; anything else the default JSON (outside Development).</summary>
    public const string LogFormatKey = "Logging:Format";

    /// <summary>Largest request body either host accepts (API bodies are small; webhooks included).</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <param name="defaultUrls">Where the host listens unless <c>Urls</c>, ASPNETCORE_URLS or --urls say otherwise.</param>
    /// <param name="appEvents">The app events whose data the host's OpenAPI document lists as named schemas (the public host's streams).</param>
    public static WebApplicationBuilder AddHaloBestieCore(this WebApplicationBuilder builder, string apiTitle, string apiDescription, string defaultUrls,
        IReadOnlyList<(Type Type, string Name)>? appEvents = null)
    {
        var services = builder.Services;
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
            builder.WebHost.UseUrls(defaultUrls);
        // One JSON object per line for log collectors; a readable single line on a developer's terminal.
        if (builder.Environment.IsDevelopment())
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
            });
        }
        else if (builder.Configuration[LogFormatKey] == CloudLoggingFormatter.FormatterName)
        {
            // Cloud Logging's own fields (severity, message, trace), docs/operations.md#logs.
            builder.Logging.AddConsole(o => o.FormatterName = CloudLoggingFormatter.FormatterName)
                .AddConsoleFormatter<CloudLoggingFormatter, CloudLoggingFormatterOptions>(o =>
                    o.ProjectId = builder.Configuration["Logging:CloudLogging:ProjectId"] is { Length: > 0 } project ? project : builder.Configuration["GOOGLE_CLOUD_PROJECT"]);
        }
        else
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            k.AddServerHeader = false;
        });

        services.AddSingleton(TimeProvider.System);
        // SIGTERM: stop taking requests, tell event streams to reconnect, let in-flight work finish
        // within the grace period (Shutdown:GraceSeconds, default 10).
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Shutdown:GraceSeconds", 10)));
        services.AddHaloBestieMarten(builder.Configuration, builder.Environment);
        services.AddHaloBestieValkey(builder.Configuration);
        // Every event stream, the apps' and the dashboard's, is written by EventStreamWriter: its
        // keep-alive (EventStreams:KeepAliveSeconds, default 15), and OpenStreams, which holds
        // shutdown until each open stream has said goodbye.
        services.AddSingleton(EventStreamOptions.From(builder.Configuration));
        services.AddSingleton<EventStreamWriter>();
        services.AddSingleton<OpenStreams>();
        services.AddHostedService(sp => sp.GetRequiredService<OpenStreams>());
        builder.AddHaloBestieTelemetry();
        services.AddHaloBestieApplication();
        services.AddHaloBestieHealthChecks();
        services.AddHttpContextAccessor();
        services.AddStaffServices(builder.Configuration);
        services.AddScoped<IFirebaseCaller, FirebaseCaller>();
        // Made when first needed: only the public host signs clients in and erases them, and it
        // asks for it at start (its Program), so a missing key refuses that host's start only.
        services.AddSingleton<Application.DataRights.IAccountHasher>(_ => AccountHasher.From(builder.Configuration, builder.Environment));
        XenditPaymentProvider.AddXendit(services, builder.Configuration);
        services.AddHaloBestiePush(builder.Configuration);
        services.AddHaloBestieRateLimits(builder.Configuration);
        services.AddHaloBestieForwardedHeaders(builder.Configuration);

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.MaxDepth = 32;
            o.SerializerOptions.Converters.Add(new NulRefusingStringConverter());
            // Request bodies' metadata from compile time (ADR 0036); every other type by reflection, as before.
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, RequestBodies.Default);
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            NameFrameworkProblems(context);
            ProblemLanguage.Localize(context.HttpContext, context.ProblemDetails);
            context.HttpContext.RequestServices.GetService<UndeclaredProblems>()?.Check(context.HttpContext, context.ProblemDetails);
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Each problem answered is checked against the route's declared ones (ADR 0021); not in Production.
        if (builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Test"))
            services.AddSingleton<UndeclaredProblems>();

        services.AddEndpointsApiExplorer();
        services.AddOpenApiDocument(d =>
        {
            d.DocumentName = "v1";
            d.Title = apiTitle;
            d.Description = apiDescription;
            d.Version = "v1";
            d.SchemaSettings.SchemaNameGenerator = new UseCaseSchemaNames();
            d.SchemaSettings.SchemaProcessors.Add(new AllowedValuesAsEnums());
            d.AddSecurity("Bearer", new OpenApiSecurityScheme
            {
                Type = OpenApiSecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
            });
            d.OperationProcessors.Add(new AspNetCoreOperationSecurityScopeProcessor("Bearer"));
            d.OperationProcessors.Add(new EndpointContractProcessor());
            d.DocumentProcessors.Add(new GeneratorFriendlyDocument(appEvents ?? []));
        });
        return builder;
    }

    /// <summary><c>OpenApi:Enabled</c>: serve <c>/swagger</c> (default: everywhere but Production).</summary>
    public const string OpenApiEnabledKey = "OpenApi:Enabled";

    /// <summary>Error answers, security headers and the OpenAPI document and UI (<c>/swagger</c>).</summary>
    public static WebApplication UseHaloBestieDefaults(this WebApplication app)
    {
        // Set when the answer starts, so answers rewritten by the exception handler (which clears headers) keep them.
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(NulCharacters.RefuseInQueryString);
        // No resource has the empty GUID as its id (ids are version-7 GUIDs); Marten refuses it as a
        // stream id, so answer 404 here rather than let it reach a handler.
        app.Use((context, next) =>
            context.Request.RouteValues.TryGetValue("id", out var id) && id is string text && Guid.TryParse(text, out var guid) && guid == Guid.Empty
                ? Results.Problem(ProblemExceptionHandler.Named(Domain.ProblemNames.NotFound, "No resource has the empty GUID as its id.")).ExecuteAsync(context)
                : next(context));
        // No server URLs in the document: it is committed, and the clients take their base address from HttpClient.
        // One relative server: the document describes whichever host serves it.
        // The document and its UI describe every route to whoever reaches the host: on outside
        // Production, and in Production only when OpenApi:Enabled says so (docs/operations.md).
        if (app.Configuration.GetValue(OpenApiEnabledKey, !app.Environment.IsProduction()))
        {
            app.UseOpenApi(o => o.PostProcess = (document, _) =>
            {
                document.Servers.Clear();
                document.Servers.Add(new NSwag.OpenApiServer { Url = "/", Description = "the host serving this document" });
            });
            app.UseSwaggerUi();
        }
        return app;
    }

    // 401 from authentication, 404 from routing, 405, 415…: the same shape and names as our own problems.
    private static void NameFrameworkProblems(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type?.StartsWith(ProblemCatalog.TypeBase, StringComparison.Ordinal) == true)
            return;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var name = ProblemCatalog.NameForStatus(status);
        problem.Type = ProblemCatalog.TypeOf(name);
        problem.Title = ProblemCatalog.TitleOf(name);
        problem.Status = status;
    }

    /// <summary>Nested request and response types are named after their use case: <c>LogIn.Result</c> → <c>LogInResult</c>.</summary>
    private sealed class UseCaseSchemaNames : NJsonSchema.Generation.DefaultSchemaNameGenerator
    {
        public override string Generate(Type type) =>
            type.IsNested && type.DeclaringType is { } useCase ? useCase.Name + base.Generate(type) : base.Generate(type);
    }
}
