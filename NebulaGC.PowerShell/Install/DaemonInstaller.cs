using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Install;

/// <summary>One cluster the node agent joins. The tokens are secrets: they go only into daemon.json (0600).</summary>
public sealed record DaemonCluster(string Name, string TenantId, string ClusterId, string NodeId, string NodeToken, string ClusterToken);

/// <summary>What Install-NebulaGCDaemon asks for.</summary>
public sealed record DaemonInstallRequest
{
    public required string Source { get; init; }

    /// <summary>Name, BinDir, ConfigDir, DaemonConfigPath, NebulaBinary and WatchdogSeconds are used.</summary>
    public required DeploymentSettings Settings { get; init; }

    /// <summary>Control-plane base URLs (every instance; the daemon fails over across them).</summary>
    public required IReadOnlyList<string> ControlPlaneUrls { get; init; }

    /// <summary>The cluster to join; other clusters already in daemon.json are kept.</summary>
    public required DaemonCluster Cluster { get; init; }

    public string? Root { get; init; }

    public string? LibDir { get; init; }

    public string? UnitDir { get; init; }

    public string? TemplatePath { get; init; }

    public bool NoStart { get; init; }

    /// <summary>How long to wait until every cluster has an applied config version (default 90 s).</summary>
    public TimeSpan AppliedTimeout { get; init; } = TimeSpan.FromSeconds(90);
}

/// <summary>
/// Installs the node agent: binary, <c>daemon.json</c> (0600), hardened unit with <c>KillMode=process</c>; starts it and waits until
/// <c>nebulagc status</c> shows an applied version for every cluster.
/// </summary>
public sealed class DaemonInstaller(IServiceManager services, IReporter reporter)
{
    private const string Activity = "Installing nebulagc (node agent)";

    public InstallReport Install(DaemonInstallRequest request, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var settings = request.Settings;
        var layout = InstallLayout.For(settings, request.Root, request.LibDir, request.UnitDir);
        InstallLayout.RequireRoot(layout, "Install-NebulaGCDaemon");
        if (request.ControlPlaneUrls.Count == 0 || request.ControlPlaneUrls.Any(u => !Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            throw new NebulaGCException(ErrorIds.SettingsInvalid, $"-ControlPlaneUrl needs at least one http(s) base URL (got '{string.Join("', '", request.ControlPlaneUrls)}')", request.ControlPlaneUrls);
        }
        if (!layout.Staging && !File.Exists(settings.NebulaBinary))
        {
            throw new NebulaGCException(ErrorIds.NebulaNotFound,
                $"nebula is not installed at '{settings.NebulaBinary}': install it (apt-get install nebula) or name it with -NebulaPath", settings.NebulaBinary);
        }
        reporter.Progress(Activity, "verifying the release", 0);
        using var release = ReleaseSource.Open(request.Source, reporter);
        var context = new RenderContext(new TemplateEngine(request.TemplatePath, reporter), settings, reporter);
        var unit = SystemdRenderer.Render(context, new SystemdRequest(SystemdComponent.Daemon)).Single();
        var unitName = unit.RelativePath;
        var unitPath = layout.Unit(unitName);
        var config = DaemonConfig(layout, settings, request);
        var versionBefore = layout.LinkedVersion(ReleaseSource.DaemonBinary);
        var newTarget = Path.Join(layout.VersionDir(release.Version), ReleaseSource.DaemonBinary);

        var plan = new InstallPlan();
        var versionInstalled = ReleaseFiles.VersionInstalled(layout, release);
        plan.Add("InstallRelease", layout.VersionDir(release.Version), $"Install release {release.Version} (nebulagc-server, nebulagc, libe_sqlite3.so)",
            !versionInstalled, () => ReleaseFiles.InstallVersion(layout, release));
        plan.Add("LinkBinary", layout.Command(ReleaseSource.DaemonBinary), $"Point the command at {newTarget}",
            !versionInstalled || layout.LinkTarget(ReleaseSource.DaemonBinary) != newTarget, () => layout.Link(ReleaseSource.DaemonBinary, newTarget));
        plan.Add("WriteDaemonConfig", settings.DaemonConfigPath, $"Write the daemon config with cluster '{request.Cluster.Name}' (0600: it holds the node's tokens)",
            !layout.FileMatches(settings.DaemonConfigPath, config, InstallLayout.ModeSecret), () => layout.WriteFile(settings.DaemonConfigPath, config, InstallLayout.ModeSecret));
        plan.Add("WriteUnit", unitPath, "Write the systemd unit", !layout.FileMatches(unitPath, unit.Content, InstallLayout.ModePublic),
            () => layout.WriteFile(unitPath, unit.Content, InstallLayout.ModePublic));
        var live = !layout.Staging && !request.NoStart;
        if (live)
        {
            var filesChange = plan.Steps.Any(s => s.Needed);
            plan.Add("ReloadSystemd", "systemd", "Reload unit files (systemctl daemon-reload)", plan.Steps.Any(s => s.Needed && s.Name == "WriteUnit"), services.DaemonReload);
            plan.Add("EnableUnit", unitName, "Enable at boot (systemctl enable)", !services.IsEnabled(unitName), () => services.Enable(unitName));
            var active = services.ActiveState(unitName) == "active";
            plan.Add(active ? "RestartUnit" : "StartUnit", unitName, active ? "Restart on the new files (systemctl restart; nebula keeps running)" : "Start (systemctl start)",
                !active || filesChange, () => (active ? (Action<string>)services.Restart : services.Start)(unitName), recoverable: true);
        }

        var report = new InstallReport { Component = "Daemon", Unit = unitName, VersionBefore = versionBefore, VersionAfter = versionBefore, Steps = plan.Steps };
        var applied = InstallRunner.Run(plan, reporter, Activity, step =>
        {
            if (step.Name is "StartUnit" or "RestartUnit")
            {
                var problem = step.Result == StepResult.Failed ? step.Error : AppliedProblem(layout, settings, request.AppliedTimeout, cancellationToken);
                if (problem is not null)
                {
                    throw new NebulaGCException(ErrorIds.DaemonNotApplied,
                        $"{unitName} did not apply a config: {problem}\nLast journal lines (journalctl -u {unitName} -n 20):\n{services.Journal(unitName, 20)}", unitName);
                }
            }
            return true;
        });
        report.VersionAfter = layout.LinkedVersion(ReleaseSource.DaemonBinary) ?? versionBefore;
        report.Outcome = InstallRunner.Outcome(plan, applied, live, versionBefore, report.VersionAfter);
        if (live && applied)
        {
            report.UnitState = services.ActiveState(unitName);
            report.MainPid = services.MainPid(unitName);
        }
        report.Duration = watch.Elapsed;
        reporter.Progress(Activity, "done", 100);
        reporter.Verbose($"{unitName}: {report.Outcome} ({report.VersionBefore ?? "none"} -> {report.VersionAfter ?? "none"}) in {report.Duration.TotalSeconds:N1} s");
        return report;
    }

    /// <summary>
    /// daemon.json with <paramref name="request"/>'s cluster upserted by name. State and per-cluster config directories live under
    /// the unit's StateDirectory (/var/lib/&lt;name&gt;-daemon): the only place the sandboxed daemon may write.
    /// </summary>
    internal static string DaemonConfig(InstallLayout layout, DeploymentSettings settings, DaemonInstallRequest request)
    {
        var stateRoot = $"/var/lib/{settings.Name}-daemon";
        var clusters = new List<JsonObject>();
        var path = layout.OnDisk(settings.DaemonConfigPath);
        if (File.Exists(path))
        {
            try
            {
                if (JsonNode.Parse(File.ReadAllText(path))?["clusters"] is JsonArray existing)
                {
                    clusters.AddRange(existing.OfType<JsonObject>()
                        .Where(c => c["name"]?.GetValue<string>() != request.Cluster.Name)
                        .Select(c => (JsonObject)c.DeepClone()));
                }
            }
            catch (JsonException e)
            {
                throw new NebulaGCException(ErrorIds.SettingsInvalid, $"the existing daemon config '{settings.DaemonConfigPath}' is not valid JSON ({e.Message}): fix or move it aside", settings.DaemonConfigPath, e);
            }
        }
        var c = request.Cluster;
        clusters.Add(new JsonObject
        {
            ["name"] = c.Name,
            ["tenant_id"] = c.TenantId,
            ["cluster_id"] = c.ClusterId,
            ["node_id"] = c.NodeId,
            ["node_token"] = c.NodeToken,
            ["cluster_token"] = c.ClusterToken,
            ["config_dir"] = $"{stateRoot}/nebula/{c.Name}",
        });
        var config = new JsonObject
        {
            ["control_plane_urls"] = new JsonArray(request.ControlPlaneUrls.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()),
            ["state_dir"] = $"{stateRoot}/state",
            ["nebula_binary"] = settings.NebulaBinary,
            ["clusters"] = new JsonArray(clusters.OrderBy(x => x["name"]?.GetValue<string>(), StringComparer.Ordinal).Select(x => (JsonNode)x).ToArray()),
        };
        return config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Null once <c>nebulagc status --output json</c> shows the daemon running with an applied version for every cluster.</summary>
    private string? AppliedProblem(InstallLayout layout, DeploymentSettings settings, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var problem = "no status yet";
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = CommandRunner.Run(layout.Command(ReleaseSource.DaemonBinary), ["status", "--config", settings.DaemonConfigPath, "--output", "json"], TimeSpan.FromSeconds(30));
            if (result.ExitCode == 0 && JsonNode.Parse(result.StdOut)?["status"]?["clusters"] is JsonArray clusters)
            {
                var pending = clusters.Where(c => (c?["applied_version"]?.GetValue<long>() ?? 0) == 0).Select(c => c?["name"]?.GetValue<string>()).ToList();
                if (pending.Count == 0)
                {
                    reporter.Verbose($"every cluster has an applied config: {string.Join(", ", clusters.Select(c => $"{c?["name"]} v{c?["applied_version"]}"))}");
                    return null;
                }
                problem = $"no applied version yet for {string.Join(", ", pending)}" +
                    string.Concat(clusters.Select(c => c?["last_error"]?.GetValue<string>() is { } e ? $" ({c?["name"]}: {e})" : ""));
            }
            else
            {
                problem = $"'nebulagc status' exited {result.ExitCode}: {result.Message}";
            }
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(500));
        }
        return $"not applied within {timeout.TotalSeconds:N0} s ({problem})";
    }
}
