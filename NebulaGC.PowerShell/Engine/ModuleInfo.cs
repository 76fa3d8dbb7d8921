using System.Reflection;

namespace NebulaGC.PowerShell.Engine;

/// <summary>The module's version, from the one version in Directory.Build.props.</summary>
public static class ModuleInfo
{
    public static string Version { get; } =
        typeof(ModuleInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
