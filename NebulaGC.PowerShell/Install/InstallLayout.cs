using NebulaGC.Client.Platform;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Install;

/// <summary>
/// Where an install puts things. Every path is absolute as the installed system sees it; <see cref="Root"/> prefixes them on
/// disk, so <c>-Root /tmp/stage</c> lays out the same tree under a staging directory (packaging, tests).
/// </summary>
/// <param name="Root">"/" for the live host; any other directory stages into it and touches no service.</param>
/// <param name="BinDir">Where the commands appear (symlinks into <paramref name="LibDir"/>).</param>
/// <param name="LibDir">One folder per installed version (<c>&lt;LibDir&gt;/&lt;version&gt;/</c>); the previous one is kept for rollback.</param>
/// <param name="ConfigDir">Environment files, secrets, daemon.json, bootstrap credentials.</param>
/// <param name="UnitDir">systemd unit files.</param>
public sealed record InstallLayout(string Root, string BinDir, string LibDir, string ConfigDir, string UnitDir)
{
    public const string DefaultLibDir = "/usr/local/lib/nebulagc";
    public const string DefaultUnitDir = "/etc/systemd/system";

    public static readonly UnixFileMode ModeExecutable = (UnixFileMode)Convert.ToInt32("755", 8);
    public static readonly UnixFileMode ModePublic = (UnixFileMode)Convert.ToInt32("644", 8);
    public static readonly UnixFileMode ModeSecret = (UnixFileMode)Convert.ToInt32("600", 8);

    /// <summary>The layout for <paramref name="settings"/> (its BinDir and ConfigDir) under <paramref name="root"/>.</summary>
    public static InstallLayout For(DeploymentSettings settings, string? root, string? libDir = null, string? unitDir = null)
    {
        var layout = new InstallLayout(string.IsNullOrEmpty(root) ? "/" : Path.GetFullPath(root), settings.BinDir, libDir ?? DefaultLibDir, settings.ConfigDir, unitDir ?? DefaultUnitDir);
        foreach (var (name, path) in new[] { ("BinDir", layout.BinDir), ("LibDir", layout.LibDir), ("ConfigDir", layout.ConfigDir), ("UnitDir", layout.UnitDir) })
        {
            if (!Path.IsPathRooted(path))
            {
                throw new NebulaGCException(ErrorIds.SettingsInvalid, $"{name} '{path}' must be an absolute path", path);
            }
        }
        return layout;
    }

    /// <summary>Changing the live host needs root; staging under -Root does not.</summary>
    public static void RequireRoot(InstallLayout layout, string command)
    {
        if (!layout.Staging && !Environment.IsPrivilegedProcess)
        {
            throw new NebulaGCException(ErrorIds.InstallRequiresRoot, $"{command} changes /usr/local, /etc and systemd units: run it as root (sudo), or stage into a directory with -Root", layout.Root);
        }
    }

    /// <summary>True when installing into a staging directory: no service is touched.</summary>
    public bool Staging => Root != "/";

    /// <summary>Where <paramref name="path"/> (as the installed system sees it) lives on this machine's disk.</summary>
    public string OnDisk(string path) => Staging ? Path.Join(Root, path) : path;

    public string Unit(string name) => Path.Join(UnitDir, name);

    public string Config(string name) => Path.Join(ConfigDir, name);

    public string Command(string name) => Path.Join(BinDir, name);

    public string VersionDir(string version) => Path.Join(LibDir, version);

    /// <summary>The version a command links to (<c>&lt;LibDir&gt;/&lt;version&gt;/&lt;name&gt;</c>), or null when it is absent or not ours.</summary>
    public string? LinkedVersion(string command)
    {
        var target = LinkTarget(command);
        return target is not null && Path.GetDirectoryName(Path.GetDirectoryName(target)) == LibDir.TrimEnd('/')
            ? Path.GetFileName(Path.GetDirectoryName(target))
            : null;
    }

    /// <summary>Where the command's symlink points (as the installed system sees it), or null.</summary>
    public string? LinkTarget(string command)
    {
        var info = new FileInfo(OnDisk(Command(command)));
        return info.Exists || info.LinkTarget is not null ? info.LinkTarget : null;
    }

    /// <summary>Writes <paramref name="content"/> atomically with <paramref name="mode"/>, creating the directory (0755) when missing.</summary>
    public void WriteFile(string path, string content, UnixFileMode mode)
    {
        var onDisk = OnDisk(path);
        EnsureDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(onDisk, content, mode);
    }

    /// <summary>True when <paramref name="path"/> exists with exactly this content and mode.</summary>
    public bool FileMatches(string path, string content, UnixFileMode mode)
    {
        var onDisk = OnDisk(path);
        return File.Exists(onDisk) && File.GetUnixFileMode(onDisk) == mode && File.ReadAllText(onDisk) == content;
    }

    public bool Exists(string path) => File.Exists(OnDisk(path)) || Directory.Exists(OnDisk(path));

    public void EnsureDirectory(string path) =>
        Directory.CreateDirectory(OnDisk(path), ModeExecutable);

    /// <summary>Points <paramref name="command"/> at <paramref name="target"/> by renaming a new symlink over it (atomic).</summary>
    public void Link(string command, string target)
    {
        EnsureDirectory(BinDir);
        var link = OnDisk(Command(command));
        var temp = Path.Join(Path.GetDirectoryName(link), $".{command}.link-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(temp, target);
        try
        {
            Native.Rename(temp, link);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        AtomicFile.FsyncDirectory(Path.GetDirectoryName(link)!);
    }
}
