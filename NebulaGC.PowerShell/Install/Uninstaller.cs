using System.Diagnostics;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Install;

public enum InstallComponent { Server, Daemon }

/// <summary>What Uninstall-NebulaGCServer / -Daemon asks for.</summary>
public sealed record UninstallRequest
{
    public required InstallComponent Component { get; init; }

    /// <summary>Name, BinDir, ConfigDir, DataDir and DaemonConfigPath say where things were installed.</summary>
    public required DeploymentSettings Settings { get; init; }

    public string? Root { get; init; }

    public string? LibDir { get; init; }

    public string? UnitDir { get; init; }

    /// <summary>Also delete the database, the HMAC secret, bootstrap credentials (server) or daemon.json and node keys (daemon).</summary>
    public bool RemoveData { get; init; }
}

/// <summary>Stops, disables and removes a unit and its binary; data, secrets and credentials stay unless asked.</summary>
public sealed class Uninstaller(IServiceManager services, IReporter reporter)
{
    public InstallReport Uninstall(UninstallRequest request)
    {
        var watch = Stopwatch.StartNew();
        var settings = request.Settings;
        var layout = InstallLayout.For(settings, request.Root, request.LibDir, request.UnitDir);
        var server = request.Component == InstallComponent.Server;
        InstallLayout.RequireRoot(layout, server ? "Uninstall-NebulaGCServer" : "Uninstall-NebulaGCDaemon");
        var activity = $"Uninstalling {(server ? "nebulagc-server" : "nebulagc")}";
        var unitName = server ? (settings.Role == ServerRole.LiteFS ? "litefs.service" : $"{settings.Name}-server.service") : $"{settings.Name}-daemon.service";
        var command = server ? ReleaseSource.ServerBinary : ReleaseSource.DaemonBinary;
        var versionBefore = layout.LinkedVersion(command);
        var unitPath = layout.Unit(unitName);

        var plan = new InstallPlan();
        if (!layout.Staging)
        {
            plan.Add("StopUnit", unitName, "Stop (systemctl stop)", services.ActiveState(unitName) is "active" or "activating" or "reloading", () => services.Stop(unitName));
            if (!server)
            {
                // KillMode=process leaves nebula running on purpose across daemon restarts; an uninstall takes the overlay down too.
                plan.Add("StopNebula", unitName, "Stop the nebula processes the daemon left running", layout.Exists(unitPath), () => services.KillRemaining(unitName));
            }
            plan.Add("DisableUnit", unitName, "Disable at boot (systemctl disable)", services.IsEnabled(unitName), () => services.Disable(unitName));
        }
        plan.Add("RemoveUnit", unitPath, "Remove the unit file", layout.Exists(unitPath), () => File.Delete(layout.OnDisk(unitPath)));
        if (!layout.Staging)
        {
            plan.Add("ReloadSystemd", "systemd", "Reload unit files (systemctl daemon-reload)", layout.Exists(unitPath), services.DaemonReload);
        }
        var removable = new List<string>();
        if (server)
        {
            removable.Add(layout.Config($"{settings.Name}-server.env"));
        }
        if (request.RemoveData)
        {
            removable.AddRange(server
                ? [layout.Config($"{settings.Name}-server.secret.env"), layout.Config(ServerInstaller.CredentialsFileName), .. DataPaths(settings.DataDir)]
                : [settings.DaemonConfigPath, .. DataPaths($"/var/lib/{settings.Name}-daemon")]);
        }
        foreach (var path in removable)
        {
            plan.Add(path.EndsWith(".env", StringComparison.Ordinal) && !path.Contains("secret", StringComparison.Ordinal) ? "RemoveEnvironment" : "RemoveData",
                path, "Remove", layout.Exists(path) || new FileInfo(layout.OnDisk(path)).LinkTarget is not null, () => Remove(layout.OnDisk(path)));
        }
        plan.Add("UnlinkBinary", layout.Command(command), "Remove the command", layout.LinkTarget(command) is not null || layout.Exists(layout.Command(command)),
            () => File.Delete(layout.OnDisk(layout.Command(command))));
        // Every release folder goes, except the one the other command (daemon or server) still runs from.
        var otherVersion = layout.LinkedVersion(server ? ReleaseSource.DaemonBinary : ReleaseSource.ServerBinary);
        var prune = ReleaseFiles.VersionDirs(layout).Where(dir => otherVersion is null || dir != layout.VersionDir(otherVersion)).ToList();
        plan.Add("PruneReleases", layout.LibDir, $"Remove releases no command uses any more ({string.Join(", ", prune.Select(Path.GetFileName))})",
            prune.Count > 0, () => prune.ForEach(dir => Remove(layout.OnDisk(dir))));

        var applied = InstallRunner.Run(plan, reporter, activity);
        var report = new InstallReport
        {
            Component = server ? "Server" : "Daemon",
            Unit = unitName,
            VersionBefore = versionBefore,
            VersionAfter = layout.LinkedVersion(command),
            Steps = plan.Steps,
            Outcome = !applied ? InstallOutcome.NotApplied : plan.Steps.Any(s => s.Result == StepResult.Changed) ? InstallOutcome.Removed : InstallOutcome.Unchanged,
            UnitState = layout.Staging ? "" : services.ActiveState(unitName),
            Duration = watch.Elapsed,
        };
        reporter.Progress(activity, "done", 100);
        if (!request.RemoveData)
        {
            reporter.Verbose($"kept data, secrets and credentials ({(server ? $"{settings.DataDir}, {layout.ConfigDir}" : settings.DaemonConfigPath)}); -RemoveData deletes them");
        }
        return report;
    }

    /// <summary>A data directory; under /var/lib it is a DynamicUser StateDirectory, whose files live in /var/lib/private.</summary>
    private static IEnumerable<string> DataPaths(string dataDir)
    {
        var dir = dataDir.TrimEnd('/');
        yield return dir;
        if (dir.StartsWith("/var/lib/", StringComparison.Ordinal))
        {
            yield return "/var/lib/private/" + dir["/var/lib/".Length..];
        }
    }

    private static void Remove(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || info.Exists)
        {
            info.Delete();
        }
        else if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
