using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace HaloBestie.Api.Internal.ControlCenter;

/// <summary>
/// The control-center console (src/Console, built by scripts/build-console) served at <c>/</c>:
/// its files, <c>index.html</c> for any other path a client-side route may own (never under
/// <c>/api</c>, <c>/health</c> or <c>/swagger</c>), hashed assets cached for a year, <c>index.html</c>
/// never, and a Content-Security-Policy without inline script (ADR 0027). Middleware rather than
/// endpoints: the route table (and so the access matrix) stays the API's. Without a built console
/// the host serves the API alone and says so once.
/// </summary>
public static class ConsoleFiles
{
    /// <summary><c>Console:Root</c>: the folder of the built console (default: <c>console/</c> beside the host's assemblies).</summary>
    public const string RootKey = "Console:Root";

    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly string[] ApiPrefixes = ["/api", "/health", "/swagger"];

    public static WebApplication UseConsole(this WebApplication app)
    {
        var root = app.Configuration[RootKey] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, app.Environment.ContentRootPath)
            : Path.Combine(AppContext.BaseDirectory, "console");
        var index = Path.Combine(root, "index.html");
        if (!File.Exists(index))
        {
            app.Logger.LogWarning("Console not built ({Index} not found): the internal host serves the API only. scripts/build-console builds it.", index);
            return app;
        }

        var files = new PhysicalFileProvider(root);
        app.UseWhen(context => IsConsolePath(context.Request.Path), console =>
        {
            console.Use((context, next) =>
            {
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    return Task.CompletedTask;
                });
                return next(context);
            });
            console.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                OnPrepareResponse = file => file.Context.Response.Headers.CacheControl =
                    file.Context.Request.Path.StartsWithSegments("/assets")
                        ? "public, max-age=31536000, immutable" // names carry a content hash
                        : "no-cache",
            });
            // History fallback: a path without a file extension is a client-side route.
            console.Use((context, next) =>
            {
                if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
                    return next(context);
                if (Path.HasExtension(context.Request.Path.Value) || context.Request.Path.StartsWithSegments("/assets"))
                    return next(context);
                context.Response.ContentType = "text/html; charset=utf-8";
                context.Response.Headers.CacheControl = "no-cache";
                return HttpMethods.IsHead(context.Request.Method)
                    ? Task.CompletedTask
                    : context.Response.SendFileAsync(files.GetFileInfo("index.html"));
            });
        });
        return app;
    }

    private static bool IsConsolePath(PathString path) =>
        !ApiPrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));
}
