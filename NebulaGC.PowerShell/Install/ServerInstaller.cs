using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Install;

/// <summary>-Bootstrap: names of the first tenant, cluster and admin node.</summary>
public sealed record BootstrapRequest(string TenantName = "default", string ClusterName = "default", string NodeName = "admin", string? OverlayCidr = null);

/// <summary>What Install-NebulaGCServer asks for.</summary>
public sealed record ServerInstallRequest
{
    /// <summary>The release archive or its unpacked folder.</summary>
    public required string Source { get; init; }

    /// <summary>The same settings model the render cmdlets use (role, listen address, public URL, paths, metrics).</summary>
    public required DeploymentSettings Settings { get; init; }

    /// <summary>"/" for this host; another directory stages the install there without touching services.</summary>
    public string? Root { get; init; }

    public string? LibDir { get; init; }

    public string? UnitDir { get; init; }

    /// <summary>Template overrides (-TemplatePath), as for New-NebulaGCSystemdUnit.</summary>
    public string? TemplatePath { get; init; }

    /// <summary>Install files and units, enable nothing, start nothing.</summary>
    public bool NoStart { get; init; }

    public BootstrapRequest? Bootstrap { get; init; }

    /// <summary>How long to wait for /v1/readyz after a start or restart (default 60 s).</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Installs, reconfigures or upgrades nebulagc-server on this host (plan, then act). A second identical run changes nothing
/// and restarts nothing; a new version that does not become ready is rolled back to the previous one.
/// </summary>
public sealed class ServerInstaller(IServiceManager services, IReporter reporter)
{
    public const string CredentialsFileName = "bootstrap-credentials.json";
    private const string Activity = "Installing nebulagc-server";

    /// <summary>Where the LiteFS unit expects litefs (New-NebulaGCSystemdUnit's default).</summary>
    public const string LiteFSBinary = "/usr/local/bin/litefs";

    public InstallReport Install(ServerInstallRequest request, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var settings = request.Settings;
        var layout = InstallLayout.For(settings, request.Root, request.LibDir, request.UnitDir);
        if (request.Bootstrap is not null && (layout.Staging || request.NoStart))
        {
            throw new NebulaGCException(ErrorIds.SettingsInvalid, "-Bootstrap needs a running server: it cannot be combined with -Root or -NoStart", request.Bootstrap);
        }
        InstallLayout.RequireRoot(layout, "Install-NebulaGCServer");
        if (settings.Role == ServerRole.LiteFS && !layout.Exists(LiteFSBinary))
        {
            throw new NebulaGCException(ErrorIds.LiteFSNotFound,
                $"role LiteFS runs nebulagc-server under LiteFS, but '{LiteFSBinary}' does not exist: install LiteFS first (it is not part of the NebulaGC release)", LiteFSBinary);
        }
        reporter.Progress(Activity, "verifying the release", 0);
        using var release = ReleaseSource.Open(request.Source, reporter);
        var unitFiles = RenderUnits(request, settings, reporter);
        var unitName = unitFiles.Unit.RelativePath;
        var url = LocalUrl(settings);
        var versionBefore = layout.LinkedVersion(ReleaseSource.ServerBinary);
        var previousTarget = layout.LinkTarget(ReleaseSource.ServerBinary);
        var newTarget = Path.Join(layout.VersionDir(release.Version), ReleaseSource.ServerBinary);
        var credentialsPath = layout.Config(CredentialsFileName);

        var plan = new InstallPlan();
        var versionInstalled = ReleaseFiles.VersionInstalled(layout, release);
        plan.Add("InstallRelease", layout.VersionDir(release.Version), $"Install release {release.Version} (nebulagc-server, nebulagc, libe_sqlite3.so)",
            !versionInstalled, () => ReleaseFiles.InstallVersion(layout, release));
        plan.Add("LinkBinary", layout.Command(ReleaseSource.ServerBinary), $"Point the command at {newTarget}",
            !versionInstalled || previousTarget != newTarget, () => layout.Link(ReleaseSource.ServerBinary, newTarget));
        foreach (var file in unitFiles.Files)
        {
            var path = Path.Join(file.Kind == "SystemdUnit" ? layout.UnitDir : layout.ConfigDir, file.RelativePath);
            var mode = (UnixFileMode)file.UnixMode;
            var needed = file.CreateOnly ? !layout.Exists(path) : !layout.FileMatches(path, file.Content, mode);
            var (name, action) = file.Kind switch
            {
                "SystemdUnit" => ("WriteUnit", "Write the systemd unit"),
                "SecretEnvFile" => ("GenerateSecret", "Generate the HMAC secret (0600; never overwritten)"),
                _ => ("WriteEnvironment", "Write the environment file"),
            };
            plan.Add(name, path, action, needed, () => layout.WriteFile(path, file.Content, mode));
        }
        var keep = versionBefore != release.Version ? versionBefore : null;
        var prune = ReleaseFiles.Unreferenced(layout, keep, release.Version);
        plan.Add("PruneReleases", layout.LibDir, $"Remove releases no longer used ({string.Join(", ", prune.Select(Path.GetFileName))})",
            prune.Count > 0, () =>
            {
                foreach (var dir in prune)
                {
                    Directory.Delete(layout.OnDisk(dir), recursive: true);
                }
            });

        var live = !layout.Staging && !request.NoStart;
        var filesChange = plan.Steps.Any(s => s.Needed && s.Name is "InstallRelease" or "LinkBinary" or "WriteUnit" or "WriteEnvironment" or "GenerateSecret");
        if (live)
        {
            var unitChanges = plan.Steps.Any(s => s.Needed && s.Name == "WriteUnit");
            plan.Add("ReloadSystemd", "systemd", "Reload unit files (systemctl daemon-reload)", unitChanges, services.DaemonReload);
            plan.Add("EnableUnit", unitName, "Enable at boot (systemctl enable)", !services.IsEnabled(unitName), () => services.Enable(unitName));
            var active = services.ActiveState(unitName) == "active";
            plan.Add(active ? "RestartUnit" : "StartUnit", unitName, active ? "Restart on the new files (systemctl restart)" : "Start (systemctl start)",
                !active || filesChange, () => (active ? (Action<string>)services.Restart : services.Start)(unitName), recoverable: true);
            if (request.Bootstrap is { } bootstrap)
            {
                plan.Add("Bootstrap", credentialsPath, $"Create tenant '{bootstrap.TenantName}', cluster '{bootstrap.ClusterName}' and admin node '{bootstrap.NodeName}'; write their credentials (0600)",
                    !layout.Exists(credentialsPath), () => Bootstrap(layout, settings, bootstrap, credentialsPath, url));
            }
        }

        var report = new InstallReport
        {
            Component = "Server",
            Unit = unitName,
            VersionBefore = versionBefore,
            VersionAfter = versionBefore,
            Steps = plan.Steps,
            Url = url,
        };
        var applied = InstallRunner.Run(plan, reporter, Activity, step =>
        {
            if (step.Name is "StartUnit" or "RestartUnit")
            {
                WaitReady(step, report, layout, unitName, url, previousTarget, request.ReadyTimeout, cancellationToken);
            }
            return report.Outcome != InstallOutcome.RolledBack;
        });
        if (report.Outcome != InstallOutcome.RolledBack)
        {
            report.VersionAfter = layout.LinkedVersion(ReleaseSource.ServerBinary) ?? versionBefore;
            report.Outcome = InstallRunner.Outcome(plan, applied, live, versionBefore, report.VersionAfter);
        }
        if (live && applied)
        {
            report.UnitState = services.ActiveState(unitName);
            report.MainPid = services.MainPid(unitName);
            if (layout.Exists(credentialsPath) && request.Bootstrap is not null)
            {
                report.Credentials = ReadCredentials(layout, credentialsPath);
            }
        }
        report.Duration = watch.Elapsed;
        reporter.Progress(Activity, "done", 100);
        reporter.Verbose($"{unitName}: {report.Outcome} ({report.VersionBefore ?? "none"} -> {report.VersionAfter ?? "none"}) in {report.Duration.TotalSeconds:N1} s");
        return report;
    }

    /// <summary>
    /// After a start or restart: waits for /v1/readyz. When the unit never gets ready after the binary changed, points the command
    /// back at the previous binary, restarts it and waits again; the report then says RolledBack, with the cause.
    /// </summary>
    private void WaitReady(InstallStep step, InstallReport report, InstallLayout layout, string unit, string url, string? previousTarget,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var problem = step.Result == StepResult.Failed ? step.Error : ReadinessProblem(url, unit, timeout, cancellationToken);
        if (problem is null)
        {
            reporter.Verbose($"{unit} is ready at {url}");
            return;
        }
        var journal = services.Journal(unit, 20);
        var linkChanged = previousTarget is not null && layout.LinkTarget(ReleaseSource.ServerBinary) != previousTarget;
        if (!linkChanged)
        {
            throw new NebulaGCException(ErrorIds.ServiceNotReady, $"{unit} did not become ready: {problem}\nLast journal lines (journalctl -u {unit} -n 20):\n{journal}", unit);
        }
        reporter.Warning($"{unit} did not become ready on the new release ({problem}); rolling back to {previousTarget}");
        layout.Link(ReleaseSource.ServerBinary, previousTarget!);
        report.FailureReason = $"the new release did not become ready: {problem}\nLast journal lines (journalctl -u {unit} -n 20):\n{journal}";
        report.Outcome = InstallOutcome.RolledBack;
        report.VersionAfter = layout.LinkedVersion(ReleaseSource.ServerBinary);
        try
        {
            services.Restart(unit);
        }
        catch (NebulaGCException e)
        {
            throw new NebulaGCException(ErrorIds.RollbackFailed, $"{report.FailureReason}\nRolling back to {previousTarget} failed too: {e.Message}", unit, e);
        }
        if (ReadinessProblem(url, unit, timeout, cancellationToken) is { } again)
        {
            throw new NebulaGCException(ErrorIds.RollbackFailed, $"{report.FailureReason}\nThe previous release did not become ready either: {again}", unit);
        }
        reporter.Verbose($"rolled back: {unit} serves {report.VersionAfter} again");
    }

    /// <summary>Null once GET /v1/readyz answers 200; else what went wrong by the deadline.</summary>
    private string? ReadinessProblem(string url, string unit, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        string problem = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var response = http.GetAsync($"{url}/v1/readyz", cancellationToken).GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode)
                {
                    return null;
                }
                problem = $"GET {url}/v1/readyz answered {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                problem = $"GET {url}/v1/readyz failed: {e.Message}";
            }
            if (services.ActiveState(unit) is "failed" or "inactive")
            {
                return $"{unit} is {services.ActiveState(unit)} ({problem})";
            }
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(200));
        }
        return $"not ready within {timeout.TotalSeconds:N0} s ({problem})";
    }

    /// <summary>The unit and environment files, rendered by the engine behind New-NebulaGCSystemdUnit.</summary>
    private static (RenderedFile Unit, IReadOnlyList<RenderedFile> Files) RenderUnits(ServerInstallRequest request, DeploymentSettings settings, IReporter reporter)
    {
        var context = new RenderContext(new TemplateEngine(request.TemplatePath, reporter), settings, reporter);
        var component = settings.Role == ServerRole.LiteFS ? SystemdComponent.LiteFS : SystemdComponent.Server;
        var files = SystemdRenderer.Render(context, new SystemdRequest(component));
        return (files.Single(f => f.Kind == "SystemdUnit"), files);
    }

    /// <summary>Where this host reaches the API it installs: the listen address (0.0.0.0 and :: mean loopback).</summary>
    private static string LocalUrl(DeploymentSettings settings)
    {
        var host = settings.ListenHost switch
        {
            "0.0.0.0" or "" => "127.0.0.1",
            "::" or "[::]" => "[::1]",
            var h when h.Contains(':') && !h.StartsWith('[') => $"[{h}]",
            var h => h,
        };
        return $"http://{host}:{settings.Port}";
    }

    private void Bootstrap(InstallLayout layout, DeploymentSettings settings, BootstrapRequest bootstrap, string credentialsPath, string url)
    {
        // The credentials file marks a finished bootstrap. Without it, an existing tenant of that name means one that failed half-way
        // or was made by hand: refuse rather than create a second tenant of the same name.
        if (ServerCli(layout, settings, "tenant", "list").AsArray().Any(t => t?["name"]?.GetValue<string>() == bootstrap.TenantName))
        {
            throw new NebulaGCException(ErrorIds.BootstrapFailed,
                $"tenant '{bootstrap.TenantName}' already exists but '{credentialsPath}' does not: bootstrap with another -TenantName, or create clusters and nodes with 'nebulagc-server tenant/cluster/node create'", credentialsPath);
        }
        var tenant = ServerCli(layout, settings, "tenant", "create", "--name", bootstrap.TenantName);
        var tenantId = tenant["tenant_id"]!.GetValue<string>();
        var clusterArgs = new List<string> { "cluster", "create", "--tenant-id", tenantId, "--name", bootstrap.ClusterName };
        if (bootstrap.OverlayCidr is { } cidr)
        {
            clusterArgs.AddRange(["--overlay-cidr", cidr]);
        }
        var cluster = ServerCli(layout, settings, [.. clusterArgs]);
        var clusterId = cluster["cluster_id"]!.GetValue<string>();
        var node = ServerCli(layout, settings, "node", "create", "--tenant-id", tenantId, "--cluster-id", clusterId, "--name", bootstrap.NodeName, "--admin");
        var credentials = new JsonObject
        {
            ["tenant_id"] = tenantId,
            ["cluster_id"] = clusterId,
            ["node_id"] = node["node_id"]!.GetValue<string>(),
            ["node_token"] = node["node_token"]!.GetValue<string>(),
            // The cluster token is shown once, when the cluster is created.
            ["cluster_token"] = cluster["cluster_token"]!.GetValue<string>(),
            ["url"] = string.IsNullOrEmpty(settings.PublicUrl) ? url : settings.PublicUrl,
        };
        layout.WriteFile(credentialsPath, credentials.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", InstallLayout.ModeSecret);
        reporter.Verbose($"bootstrap: tenant {tenantId}, cluster {clusterId}, admin node {credentials["node_id"]}; tokens written to {credentialsPath} (0600)");
    }

    /// <summary>Runs a super-admin command of the installed server through its admin socket; its JSON output, parsed.</summary>
    private static JsonNode ServerCli(InstallLayout layout, DeploymentSettings settings, params string[] args)
    {
        var result = CommandRunner.Run(layout.Command(ReleaseSource.ServerBinary), [.. args, "--admin-socket", settings.AdminSocket, "--output", "json"], TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0)
        {
            // The command prints tokens only on success (stdout); stderr holds the reason.
            throw new NebulaGCException(ErrorIds.BootstrapFailed, $"'nebulagc-server {string.Join(' ', args)}' failed (exit code {result.ExitCode}): {result.StdErr.Trim()}", args[0]);
        }
        return JsonNode.Parse(result.StdOut) ?? throw new NebulaGCException(ErrorIds.BootstrapFailed, $"'nebulagc-server {string.Join(' ', args)}' printed no JSON", args[0]);
    }

    internal static BootstrapCredentials ReadCredentials(InstallLayout layout, string path)
    {
        var json = JsonNode.Parse(File.ReadAllText(layout.OnDisk(path)))!;
        string Field(string name) => json[name]?.GetValue<string>()
            ?? throw new NebulaGCException(ErrorIds.BootstrapFailed, $"bootstrap credentials '{path}' lack '{name}'; move the file aside to bootstrap again", path);
        return new BootstrapCredentials
        {
            TenantId = Field("tenant_id"),
            ClusterId = Field("cluster_id"),
            NodeId = Field("node_id"),
            NodeToken = Field("node_token"),
            ClusterToken = Field("cluster_token"),
            Url = Field("url"),
            Path = path,
        };
    }
}
