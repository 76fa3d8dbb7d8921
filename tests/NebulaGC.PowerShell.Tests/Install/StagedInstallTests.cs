using System.Security.Cryptography;
using System.Text;
using NebulaGC.PowerShell.Install;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Tests.Install;

/// <summary>
/// The install engine driven directly (no PowerShell) into a staging root (-Root): files, links, modes, idempotency, refusals.
/// Staging touches no service, so <see cref="NoServices"/> fails any call. The release here holds small stand-in files, not the
/// real binaries: staging copies and links them without running them (the real ones are installed in InstallOnRealSystemdTests).
/// </summary>
public sealed class StagedInstallTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Root => _dir.Combine("root");

    private string OnDisk(string path) => Path.Join(Root, path);

    [Fact]
    public void Staging_lays_out_the_release_the_command_links_the_unit_and_a_0600_secret()
    {
        var release = StandInRelease("1.2.3");

        var report = Installer().Install(Request(release));

        Assert.Equal(InstallOutcome.Staged, report.Outcome);
        Assert.Equal("1.2.3", report.VersionAfter);
        Assert.Equal("/usr/local/lib/nebulagc/1.2.3/nebulagc-server", new FileInfo(OnDisk("/usr/local/bin/nebulagc-server")).LinkTarget);
        Assert.Equal("stand-in nebulagc-server 1.2.3", File.ReadAllText(OnDisk("/usr/local/lib/nebulagc/1.2.3/nebulagc-server")));
        Assert.Equal(InstallLayout.ModeExecutable, File.GetUnixFileMode(OnDisk("/usr/local/lib/nebulagc/1.2.3/nebulagc-server")));
        Assert.Contains("ExecStart=/usr/local/bin/nebulagc-server serve", File.ReadAllText(OnDisk("/etc/systemd/system/nebulagc-server.service")));
        Assert.Contains("NEBULAGC_LISTEN_ADDR=127.0.0.1:8080", File.ReadAllText(OnDisk("/etc/nebulagc/nebulagc-server.env")));
        Assert.Equal(InstallLayout.ModeSecret, File.GetUnixFileMode(OnDisk("/etc/nebulagc/nebulagc-server.secret.env")));
        Assert.DoesNotContain(report.Steps, s => s.Name is "StartUnit" or "EnableUnit" or "ReloadSystemd");
    }

    [Fact]
    public void A_second_identical_staging_changes_nothing_and_keeps_the_secret()
    {
        var release = StandInRelease("1.2.3");
        Installer().Install(Request(release));
        var secret = File.ReadAllText(OnDisk("/etc/nebulagc/nebulagc-server.secret.env"));

        var again = Installer().Install(Request(release));

        Assert.Equal(InstallOutcome.Unchanged, again.Outcome);
        Assert.All(again.Steps, s => Assert.Equal(StepResult.Unchanged, s.Result));
        Assert.Equal(secret, File.ReadAllText(OnDisk("/etc/nebulagc/nebulagc-server.secret.env")));
    }

    [Fact]
    public void A_new_version_is_linked_the_previous_kept_and_older_ones_pruned()
    {
        Installer().Install(Request(StandInRelease("1.0.0")));
        Installer().Install(Request(StandInRelease("1.1.0")));

        var report = Installer().Install(Request(StandInRelease("1.2.0")));

        Assert.Equal("1.1.0", report.VersionBefore);
        Assert.Equal("1.2.0", report.VersionAfter);
        Assert.Equal(["1.1.0", "1.2.0"], Directory.GetDirectories(OnDisk("/usr/local/lib/nebulagc")).Select(Path.GetFileName).Order().ToArray());
    }

    [Fact]
    public void Declining_every_step_leaves_the_root_empty_and_reports_NotApplied()
    {
        var reporter = new RecordingReporter { Approve = false };

        var report = new ServerInstaller(new NoServices(), reporter).Install(Request(StandInRelease("1.2.3")));

        Assert.Equal(InstallOutcome.NotApplied, report.Outcome);
        Assert.False(Directory.Exists(Root));
        Assert.Contains(reporter.Messages, m => m.StartsWith("SHOULDPROCESS: Write the systemd unit", StringComparison.Ordinal));
    }

    [Fact]
    public void A_release_whose_binary_does_not_match_SHA256SUMS_is_refused_and_nothing_is_installed()
    {
        var release = StandInRelease("1.2.3");
        File.AppendAllText(Path.Combine(release, "bin", "nebulagc-server"), "tampered");

        var error = Assert.Throws<NebulaGCException>(() => Installer().Install(Request(release)));

        Assert.Equal(ErrorIds.ReleaseChecksumMismatch, error.Id);
        Assert.Contains("bin/nebulagc-server", error.Message);
        Assert.False(Directory.Exists(Root));
    }

    [Fact]
    public void A_missing_source_is_ReleaseSourceNotFound()
    {
        var error = Assert.Throws<NebulaGCException>(() => Installer().Install(Request(_dir.Combine("nowhere.tar.gz"))));

        Assert.Equal(ErrorIds.ReleaseSourceNotFound, error.Id);
    }

    [Fact]
    public void Bootstrap_with_Root_is_refused_because_it_needs_a_running_server()
    {
        var error = Assert.Throws<NebulaGCException>(() => Installer().Install(Request(StandInRelease("1.2.3")) with { Bootstrap = new BootstrapRequest() }));

        Assert.Equal(ErrorIds.SettingsInvalid, error.Id);
    }

    [Fact]
    public void Role_LiteFS_without_litefs_is_refused_and_with_it_installs_the_litefs_unit()
    {
        var release = StandInRelease("1.2.3");
        var liteFS = new DeploymentSettings { Role = ServerRole.LiteFS };

        var error = Assert.Throws<NebulaGCException>(() => Installer().Install(Request(release) with { Settings = liteFS }));
        Assert.Equal(ErrorIds.LiteFSNotFound, error.Id);

        Directory.CreateDirectory(OnDisk("/usr/local/bin"));
        File.WriteAllText(OnDisk(ServerInstaller.LiteFSBinary), "stand-in litefs");
        Installer().Install(Request(release) with { Settings = new DeploymentSettings { Role = ServerRole.LiteFS } });
        Assert.Contains("NEBULAGC_ROLE=litefs", File.ReadAllText(OnDisk("/etc/nebulagc/nebulagc-server.env")));
        Assert.True(File.Exists(OnDisk("/etc/systemd/system/litefs.service")));
    }

    [Fact]
    public void Staged_daemon_config_holds_the_cluster_with_0600_and_keeps_other_clusters()
    {
        var release = StandInRelease("1.2.3");
        var daemon = new DaemonInstaller(new NoServices(), new RecordingReporter());
        daemon.Install(DaemonRequest(release, "first"));

        daemon.Install(DaemonRequest(release, "second"));

        var config = File.ReadAllText(OnDisk("/etc/nebulagc/daemon.json"));
        Assert.Equal(InstallLayout.ModeSecret, File.GetUnixFileMode(OnDisk("/etc/nebulagc/daemon.json")));
        Assert.Contains("\"name\": \"first\"", config);
        Assert.Contains("\"config_dir\": \"/var/lib/nebulagc-daemon/nebula/second\"", config);
        Assert.Contains("KillMode=process", File.ReadAllText(OnDisk("/etc/systemd/system/nebulagc-daemon.service")));
        Assert.Equal("/usr/local/lib/nebulagc/1.2.3/nebulagc", new FileInfo(OnDisk("/usr/local/bin/nebulagc")).LinkTarget);
    }

    [Fact]
    public void Staged_uninstall_removes_unit_command_and_release_and_keeps_secret_and_database()
    {
        Installer().Install(Request(StandInRelease("1.2.3")));
        Directory.CreateDirectory(OnDisk("/var/lib/nebulagc"));
        File.WriteAllText(OnDisk("/var/lib/nebulagc/nebulagc.db"), "db");

        var report = new Uninstaller(new NoServices(), new RecordingReporter()).Uninstall(
            new UninstallRequest { Component = InstallComponent.Server, Settings = new DeploymentSettings(), Root = Root });

        Assert.Equal(InstallOutcome.Removed, report.Outcome);
        Assert.False(File.Exists(OnDisk("/etc/systemd/system/nebulagc-server.service")));
        Assert.Null(new FileInfo(OnDisk("/usr/local/bin/nebulagc-server")).LinkTarget);
        Assert.Empty(Directory.GetDirectories(OnDisk("/usr/local/lib/nebulagc")));
        Assert.True(File.Exists(OnDisk("/etc/nebulagc/nebulagc-server.secret.env")));
        Assert.True(File.Exists(OnDisk("/var/lib/nebulagc/nebulagc.db")));
    }

    private static ServerInstaller Installer() => new(new NoServices(), new RecordingReporter());

    private ServerInstallRequest Request(string source) => new() { Source = source, Settings = new DeploymentSettings(), Root = Root };

    private DaemonInstallRequest DaemonRequest(string source, string cluster) => new()
    {
        Source = source,
        Settings = new DeploymentSettings(),
        Root = Root,
        ControlPlaneUrls = ["http://127.0.0.1:8080"],
        Cluster = new DaemonCluster(cluster, Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), "node-token-" + cluster, "cluster-token-" + cluster),
    };

    /// <summary>An unpacked release of <paramref name="version"/> with stand-in files and a correct SHA256SUMS.</summary>
    private string StandInRelease(string version)
    {
        var dir = _dir.Combine("release-" + version);
        Directory.CreateDirectory(Path.Combine(dir, "bin"));
        var files = new Dictionary<string, string>
        {
            ["VERSION"] = version + "\n",
            ["bin/nebulagc-server"] = $"stand-in nebulagc-server {version}",
            ["bin/nebulagc"] = $"stand-in nebulagc {version}",
            ["bin/libe_sqlite3.so"] = "stand-in sqlite",
        };
        var sums = new StringBuilder();
        foreach (var (name, content) in files)
        {
            File.WriteAllText(Path.Combine(dir, name), content);
            sums.Append($"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)))}  {name}\n");
        }
        File.WriteAllText(Path.Combine(dir, "SHA256SUMS"), sums.ToString());
        return dir;
    }

    /// <summary>Staging must never reach the service manager.</summary>
    private sealed class NoServices : IServiceManager
    {
        public void DaemonReload() => Fail();

        public bool IsEnabled(string unit) => Fail<bool>();

        public void Enable(string unit) => Fail();

        public void Disable(string unit) => Fail();

        public string ActiveState(string unit) => Fail<string>();

        public int MainPid(string unit) => Fail<int>();

        public void Start(string unit) => Fail();

        public void Restart(string unit) => Fail();

        public void Stop(string unit) => Fail();

        public void KillRemaining(string unit) => Fail();

        public string Journal(string unit, int lines) => Fail<string>();

        private static void Fail() => throw new InvalidOperationException("a staged install called the service manager");

        private static T Fail<T>() => throw new InvalidOperationException("a staged install called the service manager");
    }
}
