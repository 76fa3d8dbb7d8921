using System.Reflection;
using System.Runtime.InteropServices;

namespace NebulaGC.PowerShell.Backup;

/// <summary>
/// Points SQLitePCLRaw at the module's own <c>runtimes/&lt;rid&gt;/native/libe_sqlite3.so</c>: PowerShell resolves
/// native libraries of a binary module only beside pwsh, not in the module folder.
/// </summary>
internal static class SqliteNative
{
    private static readonly Lazy<bool> Registered = new(Register);

    public static void EnsureResolvable() => _ = Registered.Value;

    private static bool Register()
    {
        var provider = typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly;
        NativeLibrary.SetDllImportResolver(provider, Resolve);
        return true;
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != "e_sqlite3")
        {
            return IntPtr.Zero;
        }
        var moduleDir = Path.GetDirectoryName(typeof(SqliteNative).Assembly.Location)!;
        var candidate = Path.Combine(moduleDir, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", "libe_sqlite3.so");
        if (!File.Exists(candidate))
        {
            candidate = Path.Combine(moduleDir, "runtimes", $"linux-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}", "native", "libe_sqlite3.so");
        }
        return File.Exists(candidate) ? NativeLibrary.Load(candidate) : IntPtr.Zero;
    }
}
