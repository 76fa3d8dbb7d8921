using System.Text.RegularExpressions;

namespace NebulaGC.PowerShell.Validation;

/// <summary>
/// A temporary root for <c>systemd-analyze verify --root</c>: the machine's own unit files (targets, sockets), the
/// rendered units under /etc/systemd/system, and an executable stand-in at every absolute Exec*= path. verify then
/// judges the units themselves on any machine, whether or not nebulagc, litestream or litefs are installed there.
/// </summary>
public sealed partial class SystemdStandInRoot : IDisposable
{
    private static readonly string[] SystemUnitDirs = ["/usr/lib/systemd/system", "/lib/systemd/system"];

    public SystemdStandInRoot(IEnumerable<string> units)
    {
        var unitList = units.ToList();
        var systemUnits = SystemUnitDirs.FirstOrDefault(d => File.Exists(Path.Combine(d, "sysinit.target")));
        if (unitList.Count == 0 || systemUnits is null)
        {
            return;
        }
        Root = Directory.CreateTempSubdirectory("nebulagc-verify-").FullName;
        var target = Path.Combine(Root, "usr/lib/systemd/system");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(systemUnits))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        var etc = Path.Combine(Root, "etc/systemd/system");
        Directory.CreateDirectory(etc);
        var standIns = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var unit in unitList)
        {
            File.Copy(unit, Path.Combine(etc, Path.GetFileName(unit)), overwrite: true);
            foreach (Match m in ExecLine().Matches(File.ReadAllText(unit)))
            {
                standIns.Add(m.Groups[1].Value);
            }
        }
        foreach (var executable in standIns)
        {
            var path = Path.Combine(Root, executable.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "#!/bin/sh\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        StandIns = standIns.ToList();
    }

    /// <summary>The root directory; empty when there is nothing to verify or no systemd unit directory here.</summary>
    public string Root { get; } = "";

    public bool Ready => Root.Length > 0;

    public IReadOnlyList<string> StandIns { get; } = [];

    /// <summary>Where the unit lives inside the root, as verify --root wants it.</summary>
    public string UnitPath(string unit) => "/etc/systemd/system/" + Path.GetFileName(unit);

    public void Dispose()
    {
        if (Ready)
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    [GeneratedRegex(@"^\s*Exec[A-Za-z]*=[-@:+!]*(/[^\s]+)", RegexOptions.Multiline)]
    private static partial Regex ExecLine();
}
