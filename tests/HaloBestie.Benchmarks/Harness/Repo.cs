namespace HaloBestie.Benchmarks.Harness;

/// <summary>Where the built programs are: the same configuration (Debug/Release) as this driver.</summary>
public static class Repo
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    public static string Root { get; } = FindRoot();

    public static string PublicHostDll => Built("src/Api.Public", "HaloBestie.Api.Public");

    public static string InternalHostDll => Built("src/Api.Internal", "HaloBestie.Api.Internal");

    public static string EmptyAppDll => Built("tests/HaloBestie.Benchmarks.EmptyApp", "HaloBestie.Benchmarks.EmptyApp");

    public static string ProbeDll => Built("tests/HaloBestie.Benchmarks.Probe", "HaloBestie.Benchmarks.Probe");

    private static string Built(string project, string assembly)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", assembly + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; run `dotnet build -c {Configuration} tests/HaloBestie.Benchmarks` first.");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HaloBestie.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("HaloBestie.sln not found above " + AppContext.BaseDirectory);
    }
}
