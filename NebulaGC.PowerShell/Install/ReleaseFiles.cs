using NebulaGC.Client.Platform;

namespace NebulaGC.PowerShell.Install;

/// <summary>The binaries of a release on the host: one folder per version under LibDir, commands linked into BinDir.</summary>
internal static class ReleaseFiles
{
    /// <summary>True when <c>&lt;LibDir&gt;/&lt;version&gt;/</c> holds exactly the release's binaries.</summary>
    public static bool VersionInstalled(InstallLayout layout, ReleaseSource release)
    {
        var dir = layout.OnDisk(layout.VersionDir(release.Version));
        return Directory.Exists(dir) && Directory.GetFiles(release.BinDirectory).All(source =>
        {
            var installed = Path.Join(dir, Path.GetFileName(source));
            return File.Exists(installed) && ReleaseSource.Sha256(installed) == ReleaseSource.Sha256(source);
        });
    }

    /// <summary>Copies the release's binaries into a new folder beside the version folder, then renames it into place.</summary>
    public static void InstallVersion(InstallLayout layout, ReleaseSource release)
    {
        layout.EnsureDirectory(layout.LibDir);
        var final = layout.OnDisk(layout.VersionDir(release.Version));
        var staging = layout.OnDisk(Path.Join(layout.LibDir, $".{release.Version}.new-{Guid.NewGuid():N}"));
        Directory.CreateDirectory(staging, InstallLayout.ModeExecutable);
        try
        {
            foreach (var source in Directory.GetFiles(release.BinDirectory))
            {
                var target = Path.Join(staging, Path.GetFileName(source));
                File.Copy(source, target);
                File.SetUnixFileMode(target, InstallLayout.ModeExecutable);
                using (var stream = new FileStream(target, FileMode.Open, FileAccess.Write))
                {
                    stream.Flush(flushToDisk: true);
                }
            }
            string? replaced = null;
            if (Directory.Exists(final))
            {
                // Same version, other bytes (a rebuilt release): the old folder steps aside; running processes keep their inodes.
                replaced = layout.OnDisk(Path.Join(layout.LibDir, $".{release.Version}.old-{Guid.NewGuid():N}"));
                Directory.Move(final, replaced);
            }
            Directory.Move(staging, final);
            AtomicFile.FsyncDirectory(layout.OnDisk(layout.LibDir));
            if (replaced is not null)
            {
                Directory.Delete(replaced, recursive: true);
            }
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
            throw;
        }
    }

    /// <summary>Every installed version folder (as the installed system sees it).</summary>
    public static IReadOnlyList<string> VersionDirs(InstallLayout layout)
    {
        var libDir = layout.OnDisk(layout.LibDir);
        return Directory.Exists(libDir)
            ? Directory.GetDirectories(libDir).Select(Path.GetFileName).Where(n => n is not null && !n.StartsWith('.')).Select(n => layout.VersionDir(n!)).ToList()
            : [];
    }

    /// <summary>Version folders no command links to, other than <paramref name="keep"/> (the rollback target) and <paramref name="installing"/>.</summary>
    public static IReadOnlyList<string> Unreferenced(InstallLayout layout, string? keep, string installing)
    {
        var referenced = new HashSet<string?>(new[] { ReleaseSource.ServerBinary, ReleaseSource.DaemonBinary }.Select(layout.LinkedVersion)) { keep, installing };
        return VersionDirs(layout).Where(dir => !referenced.Contains(Path.GetFileName(dir))).ToList();
    }
}
