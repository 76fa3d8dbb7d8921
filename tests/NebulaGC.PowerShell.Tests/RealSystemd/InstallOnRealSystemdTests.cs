using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace NebulaGC.PowerShell.Tests.RealSystemd;

/// <summary>
/// Install-/Uninstall-NebulaGCServer and -Daemon from the packaged module, run inside a real booted systemd (Debian 12 in
/// systemd-nspawn) on the release archive of <c>build.ps1 Publish</c>. One host for the whole class; see <see cref="InstallScenario"/>.
/// </summary>
public sealed partial class InstallOnRealSystemdTests(InstallScenario scenario, ITestOutputHelper output) : IClassFixture<InstallScenario>
{
    private BootedSystemdHost Host => scenario.Host;

    [Fact]
    public async Task WhatIf_lists_every_step_and_changes_nothing_on_disk()
    {
        var result = await scenario.WhatIf;

        Assert.Empty(result.Run.Errors);
        Assert.Equal("NotApplied", result.Run.Output[0].GetProperty("Outcome").GetString());
        foreach (var target in new[]
                 {
                     $"/usr/local/lib/nebulagc/{scenario.Release.Version}", "/usr/local/bin/nebulagc-server", "/etc/nebulagc/nebulagc-server.env",
                     "/etc/nebulagc/nebulagc-server.secret.env", "/etc/systemd/system/nebulagc-server.service", "/etc/nebulagc/bootstrap-credentials.json",
                 })
        {
            Assert.Contains($"on target \"{target}\"", result.Run.Printed);
        }
        Assert.Contains("Enable at boot", result.Run.Printed);
        Assert.Contains("Start (systemctl start)", result.Run.Printed);
        Assert.Equal(result.TreeBefore, result.TreeAfter);
    }

    [Fact]
    public async Task Fresh_install_with_Bootstrap_is_active_ready_and_its_credentials_work_against_the_API()
    {
        var install = await scenario.FreshInstall;
        output.WriteLine($"fresh install: {install.WallTime.TotalSeconds:N1} s (pwsh start and module import included), report {Seconds(install.Report):N1} s");

        Assert.Empty(install.Run.Errors);
        Assert.Equal("Installed", install.Report.GetProperty("Outcome").GetString());
        Assert.Equal(scenario.Release.Version, install.Report.GetProperty("VersionAfter").GetString());
        Assert.Equal("active", install.ActiveState);
        Assert.Equal(200, install.ReadyStatus);
        Assert.Equal("enabled", install.Facts["enabled"]);
        Assert.Equal("600", install.Facts["credentials mode"]);
        Assert.Equal("600", install.Facts["secret mode"]);
        Assert.Equal(201, (await scenario.NodeFromApi).Status);
    }

    [Fact]
    public async Task A_second_identical_run_changes_nothing_and_restarts_nothing()
    {
        var fresh = await scenario.FreshInstall;
        var rerun = await scenario.Rerun;
        output.WriteLine($"re-run: {rerun.WallTime.TotalSeconds:N1} s, report {Seconds(rerun.Report):N1} s");

        Assert.Empty(rerun.Run.Errors);
        Assert.Equal("Unchanged", rerun.Report.GetProperty("Outcome").GetString());
        Assert.Empty(rerun.Report.GetProperty("ChangedSteps").EnumerateArray());
        Assert.Equal(fresh.MainPid, rerun.MainPid);
        Assert.Equal(fresh.Report.GetProperty("Credentials").GetProperty("NodeId").GetString(),
            rerun.Report.GetProperty("Credentials").GetProperty("NodeId").GetString());
    }

    [Fact]
    public async Task Daemon_install_is_active_applies_a_config_and_brings_up_the_tun_with_its_overlay_address()
    {
        var install = await scenario.DaemonInstall;
        var node = await scenario.NodeFromApi;
        output.WriteLine($"daemon install: {install.WallTime.TotalSeconds:N1} s");

        Assert.Empty(install.Run.Errors);
        Assert.Equal("Installed", install.Report.GetProperty("Outcome").GetString());
        Assert.Equal("active", install.ActiveState);
        using var status = JsonDocument.Parse(install.Facts["status"]);
        Assert.True(status.RootElement.GetProperty("status").GetProperty("clusters")[0].GetProperty("applied_version").GetInt64() > 0);
        Assert.Equal("600", install.Facts["daemon.json mode"]);
        Assert.Contains(node.OverlayIp.Split('/')[0], install.Facts["tun"]);
    }

    [Fact]
    public async Task Installed_units_stay_within_their_exposure_budgets()
    {
        var install = await scenario.DaemonInstall;
        var server = Exposure(install.Facts["server exposure"]);
        var daemon = Exposure(install.Facts["daemon exposure"]);
        output.WriteLine($"exposure under the real systemd: server {server}, daemon {daemon}");

        Assert.InRange(server, 0, 1.5);
        Assert.InRange(daemon, 0, 2.0);
    }

    [Fact]
    public async Task Upgrade_replaces_the_binary_restarts_and_serves_the_new_version()
    {
        var before = await scenario.DaemonInstall;
        var serverPidBefore = (await scenario.Rerun).MainPid;
        var upgrade = await scenario.Upgrade;
        output.WriteLine($"upgrade: {upgrade.WallTime.TotalSeconds:N1} s, report {Seconds(upgrade.Report):N1} s");

        Assert.Empty(upgrade.Run.Errors);
        Assert.Equal("Upgraded", upgrade.Report.GetProperty("Outcome").GetString());
        Assert.Equal(scenario.Release.Version, upgrade.Report.GetProperty("VersionBefore").GetString());
        Assert.Equal(scenario.NextVersion, upgrade.Report.GetProperty("VersionAfter").GetString());
        Assert.NotEqual(serverPidBefore, upgrade.MainPid);
        Assert.Equal($"/usr/local/lib/nebulagc/{scenario.NextVersion}/nebulagc-server", upgrade.Exe);
        Assert.Equal(200, upgrade.ReadyStatus);
        // The previous release stays for a rollback (and the daemon still runs from it).
        Assert.Contains("nebulagc-server", upgrade.Facts["previous release"]);
        Assert.NotEqual(0, before.MainPid);
    }

    [Fact]
    public async Task Broken_upgrade_rolls_back_to_the_previous_binary_which_serves_again_and_the_error_names_the_cause()
    {
        var broken = await scenario.BrokenUpgrade;

        var error = Assert.Single(broken.Run.Errors);
        Assert.Equal("UpgradeRolledBack", error.Id);
        Assert.Contains("cannot start (broken build)", error.Message);
        Assert.Equal("RolledBack", broken.Report.GetProperty("Outcome").GetString());
        Assert.Equal(scenario.NextVersion, broken.Report.GetProperty("VersionAfter").GetString());
        Assert.Equal($"/usr/local/lib/nebulagc/{scenario.NextVersion}/nebulagc-server", broken.ServingExe);
        Assert.Equal(200, broken.ReadyStatus);
    }

    [Fact]
    public async Task Kill_9_of_the_server_is_followed_by_an_automatic_restart_and_readyz_again()
    {
        var restart = await scenario.KillNine;
        output.WriteLine($"kill -9 to readyz 200 again: {restart.RestartTime.TotalSeconds:N1} s (RestartSec=5s)");

        Assert.NotEqual(restart.PidBefore, restart.PidAfter);
        Assert.Equal("active", restart.ActiveState);
    }

    [Fact]
    public async Task Systemctl_stop_leaves_a_checkpointed_database_that_passes_the_integrity_check()
    {
        var stop = await scenario.StopCheckpoint;

        Assert.Equal(0, stop.WalBytes);
        Assert.Equal("ok", stop.IntegrityCheck);
        Assert.True(stop.Tenants >= 1);
    }

    [Fact]
    public async Task Rendered_litestream_unit_starts_and_replicates_the_installed_database()
    {
        var litestream = await scenario.Litestream;

        Assert.Equal("active", litestream.State);
        Assert.True(litestream.ReplicaFiles > 0, "litestream wrote no replica files");
    }

    [Fact]
    public async Task The_journal_holds_no_token_and_no_secret()
    {
        await scenario.Litestream;
        var credentials = (await scenario.FreshInstall).Report.GetProperty("Credentials");
        var node = await scenario.NodeFromApi;
        var secret = scenario.Release.ReadFile("/etc/nebulagc/nebulagc-server.secret.env").Split('\n')
            .Single(l => l.StartsWith("NEBULAGC_HMAC_SECRET=", StringComparison.Ordinal))["NEBULAGC_HMAC_SECRET=".Length..];
        var journal = await Host.RunCheckedAsync("journalctl --no-pager -o cat");

        Assert.Contains("nebulagc", journal); // the services did log
        foreach (var (what, value) in new[]
                 {
                     ("admin node token", credentials.GetProperty("NodeToken").GetString()!), ("cluster token", credentials.GetProperty("ClusterToken").GetString()!),
                     ("daemon node token", node.NodeToken), ("HMAC secret", secret),
                 })
        {
            Assert.False(journal.Contains(value, StringComparison.Ordinal), $"the journal contains the {what}");
        }
    }

    [Fact]
    public async Task Uninstall_daemon_removes_unit_and_command_stops_nebula_and_keeps_its_config()
    {
        var run = await scenario.DaemonUninstall;

        Assert.Empty(run.Errors);
        Assert.Equal("Removed", run.Output[0].GetProperty("Outcome").GetString());
        Assert.False(File.Exists(Host.HostPath("/etc/systemd/system/nebulagc-daemon.service")));
        Assert.False(File.Exists(Host.HostPath("/usr/local/bin/nebulagc")));
        Assert.NotEqual("active", await scenario.ActiveState(InstallScenario.DaemonUnit));
        Assert.Equal(1, (await Host.RunAsync("grep -lx nebula /proc/[0-9]*/comm")).ExitCode); // no nebula process left
        Assert.True(File.Exists(Host.HostPath("/etc/nebulagc/daemon.json")));
    }

    [Fact]
    public async Task Uninstall_server_removes_unit_and_command_and_keeps_database_secret_and_credentials()
    {
        var run = await scenario.ServerUninstall;

        Assert.Empty(run.Errors);
        Assert.Equal("Removed", run.Output[0].GetProperty("Outcome").GetString());
        Assert.False(File.Exists(Host.HostPath("/etc/systemd/system/nebulagc-server.service")));
        Assert.False(File.Exists(Host.HostPath("/usr/local/bin/nebulagc-server")));
        Assert.NotEqual("active", await scenario.ActiveState(InstallScenario.Unit));
        Assert.True(File.Exists(Host.HostPath("/var/lib/private/nebulagc/nebulagc.db")));
        Assert.True(File.Exists(Host.HostPath("/etc/nebulagc/nebulagc-server.secret.env")));
        Assert.True(File.Exists(Host.HostPath("/etc/nebulagc/bootstrap-credentials.json")));
        Assert.Empty(Directory.GetDirectories(Host.HostPath("/usr/local/lib/nebulagc")));
    }

    [Fact]
    public async Task Daemon_install_without_nebula_fails_with_NebulaNotFound_before_changing_anything()
    {
        await scenario.FreshInstall;
        var run = await scenario.Release.RunCmdletAsync(
            $"Install-NebulaGCDaemon -Source {scenario.Release.Archive} -ControlPlaneUrl {InstallScenario.Url} -TenantId {Guid.NewGuid()} -ClusterId {Guid.NewGuid()} " +
            $"-NodeId {Guid.NewGuid()} -NodeTokenPath /etc/hostname -ClusterTokenPath /etc/hostname -NebulaPath /opt/no-such-nebula -ConfigDir /etc/nebulagc-missing");

        Assert.Equal("NebulaNotFound", Assert.Single(run.Errors).Id);
        Assert.False(Directory.Exists(Host.HostPath("/etc/nebulagc-missing")));
    }

    private static double Seconds(JsonElement report) => report.GetProperty("Duration").GetProperty("TotalSeconds").GetDouble();

    private async Task<string> Mode(string path) => (await Host.RunCheckedAsync($"stat -c %a {path}")).Trim();

    private static double Exposure(string lastLine)
    {
        var match = ExposurePattern().Match(lastLine);
        Assert.True(match.Success, $"no exposure level in '{lastLine}'");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+\.\d+)")]
    private static partial Regex ExposurePattern();
}
