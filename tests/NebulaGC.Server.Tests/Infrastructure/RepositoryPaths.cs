namespace NebulaGC.Server.Tests.Infrastructure;

public static class RepositoryPaths
{
    /// <summary>The repository root: the directory holding NebulaGC.sln above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Set NEBULAGC_UPDATE_GOLDEN=1 to rewrite golden files from what the code produces now.</summary>
    public static bool UpdateGolden => Environment.GetEnvironmentVariable("NEBULAGC_UPDATE_GOLDEN") == "1";

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NebulaGC.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("NebulaGC.sln not found above " + AppContext.BaseDirectory);
    }
}
