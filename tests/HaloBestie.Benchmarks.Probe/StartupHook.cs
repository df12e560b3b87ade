using System.Reflection;
using System.Runtime.Loader;

#pragma warning disable CA1050 // The runtime looks for a type named StartupHook in no namespace.
/// <summary>
/// Runs before the host's Main (DOTNET_STARTUP_HOOKS). The runtime loads this assembly by path;
/// ASP.NET Core then asks for it by name (ASPNETCORE_HOSTINGSTARTUPASSEMBLIES), which the host's
/// own dependency list cannot answer, so the name is resolved to this very assembly.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        var self = typeof(StartupHook).Assembly;
        AssemblyLoadContext.Default.Resolving += (_, name) =>
            AssemblyName.ReferenceMatchesDefinition(name, self.GetName()) ? self : null;
    }
}
#pragma warning restore CA1050
