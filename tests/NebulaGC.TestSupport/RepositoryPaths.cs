namespace NebulaGC.TestSupport;

/// <summary>Where the repository and its build outputs are, found from the running test binaries.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root: the directory holding NebulaGC.sln above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path below the repository root.</summary>
    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Set NEBULAGC_UPDATE_GOLDEN=1 to rewrite golden files from what the code produces now.</summary>
    public static bool UpdateGolden => Environment.GetEnvironmentVariable("NEBULAGC_UPDATE_GOLDEN") == "1";

    /// <summary>
    /// The build configuration the tests run in (Debug or Release): test binaries live in
    /// <c>tests/&lt;project&gt;/bin/&lt;Configuration&gt;/net10.0/</c>.
    /// </summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    /// <summary>The built <c>nebulagc-server.dll</c> of the same configuration (run it with <c>dotnet</c>).</summary>
    public static string ServerDll => Combine("NebulaGC.Server", "bin", Configuration, "net10.0", "nebulagc-server.dll");

    /// <summary>The built <c>nebulagc.dll</c> (the node daemon) of the same configuration (run it with <c>dotnet</c>).</summary>
    public static string DaemonDll => Combine("NebulaGC.Daemon", "bin", Configuration, "net10.0", "nebulagc.dll");

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
