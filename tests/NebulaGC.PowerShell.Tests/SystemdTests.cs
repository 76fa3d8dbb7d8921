using System.Globalization;
using System.Text.RegularExpressions;
using NebulaGC.PowerShell.Rendering;
using Xunit.Abstractions;

namespace NebulaGC.PowerShell.Tests;

public sealed class SystemdTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>Every NEBULAGC_* variable the server reads (SPEC §5).</summary>
    internal static readonly HashSet<string> ServerEnvNames =
    [
        "NEBULAGC_HMAC_SECRET", "NEBULAGC_HMAC_SECRET_FILE", "NEBULAGC_DB_PATH", "NEBULAGC_LISTEN_ADDR", "NEBULAGC_PUBLIC_URL",
        "NEBULAGC_ROLE", "NEBULAGC_INSTANCE_ID", "NEBULAGC_LITEFS_DIR", "NEBULAGC_ADMIN_SOCKET", "NEBULAGC_METRICS_ADDR",
        "NEBULAGC_TLS_CERT", "NEBULAGC_TLS_KEY", "NEBULAGC_LOG_LEVEL", "NEBULAGC_LOG_FORMAT", "NEBULAGC_TRUSTED_PROXIES",
        "NEBULAGC_NEBULA_BINARY", "NEBULAGC_LIGHTHOUSE_DIR",
    ];

    public void Dispose() => _dir.Dispose();

    /// <summary>Renders a component with its executables pointing at stubs: verify needs ExecStart to exist.</summary>
    private string RenderUnit(SystemdComponent component, DeploymentSettings? settings = null)
    {
        var bin = _dir.Combine("bin");
        Directory.CreateDirectory(bin);
        foreach (var name in new[] { "nebulagc-server", "nebulagc", "litestream", "litefs" })
        {
            var stub = Path.Combine(bin, name);
            File.WriteAllText(stub, "#!/bin/sh\n");
            File.SetUnixFileMode(stub, (UnixFileMode)Convert.ToInt32("755", 8));
        }
        settings ??= new DeploymentSettings();
        settings.BinDir = bin;
        var files = SystemdRenderer.Render(Toolkit.Context(settings),
            new SystemdRequest(component, Path.Combine(bin, "litestream"), Path.Combine(bin, "litefs")));
        Toolkit.WriteTo(_dir.Combine("units"), files);
        return files.Single(f => f.Kind == "SystemdUnit").Path;
    }

    private void AssertVerifyClean(string unit)
    {
        var result = ProcessRunner.Run("systemd-analyze", ["verify", unit], Path.GetDirectoryName(unit));
        output.WriteLine($"systemd-analyze verify {Path.GetFileName(unit)}: {result}");
        // verify exits 0 on unknown keys and bad values and only warns: any output at all is a failure.
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr.Trim());
        Assert.Equal("", result.Stdout.Trim());
    }

    private double Exposure(string unit)
    {
        var result = ProcessRunner.Run("systemd-analyze", ["security", "--offline=true", "--no-pager", unit], Path.GetDirectoryName(unit));
        var match = Regex.Match(result.Stdout, @"Overall exposure level for \S+: (\d+\.\d+)");
        Assert.True(match.Success, result.ToString());
        var score = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        output.WriteLine($"systemd-analyze security --offline=true {Path.GetFileName(unit)}: exposure {score}");
        Console.WriteLine($"[toolkit] systemd-analyze security {Path.GetFileName(unit)}: exposure {score}");
        return score;
    }

    [Fact]
    public void Server_unit_passes_systemd_analyze_verify_without_any_warning()
        => AssertVerifyClean(RenderUnit(SystemdComponent.Server));

    [Fact]
    public void Server_unit_exposure_is_at_most_1_5()
        => Assert.InRange(Exposure(RenderUnit(SystemdComponent.Server)), 0.0, 1.5);

    [Fact]
    public void Daemon_unit_passes_verify_and_exposure_is_at_most_2_0()
    {
        var unit = RenderUnit(SystemdComponent.Daemon);
        AssertVerifyClean(unit);
        Assert.InRange(Exposure(unit), 0.0, 2.0);
        var text = File.ReadAllText(unit);
        Assert.Contains("CapabilityBoundingSet=CAP_NET_ADMIN\n", text);
        Assert.Contains("DeviceAllow=/dev/net/tun rw", text);
        Assert.Contains("daemon --config %d/daemon.json", text);
    }

    [Theory]
    [InlineData(SystemdComponent.Litestream)]
    [InlineData(SystemdComponent.LiteFS)]
    public void Replication_units_pass_verify_without_any_warning(SystemdComponent component)
    {
        var unit = RenderUnit(component);
        AssertVerifyClean(unit);
        Exposure(unit); // printed for the record; LiteFS needs FUSE (CAP_SYS_ADMIN), so no bound is claimed for it
    }

    [Fact]
    public void Server_unit_is_type_notify_with_watchdog_and_reads_settings_from_env_files()
    {
        var text = File.ReadAllText(RenderUnit(SystemdComponent.Server));
        Assert.Contains("Type=notify\n", text);
        Assert.Contains("WatchdogSec=30s\n", text);
        Assert.Matches(@"ExecStart=\S+/nebulagc-server serve\n", text);
        Assert.Contains("EnvironmentFile=/etc/nebulagc/nebulagc-server.secret.env\n", text);
        Assert.DoesNotContain("HMAC_SECRET=", text);
    }

    [Fact]
    public void Server_env_files_use_only_variables_the_server_reads_and_the_secret_file_is_0600()
    {
        RenderUnit(SystemdComponent.Server, new DeploymentSettings { TrustedProxies = "10.0.0.1", InstanceId = "cp1" });
        var names = new List<string>();
        foreach (var file in new[] { "nebulagc-server.env", "nebulagc-server.secret.env" })
        {
            foreach (var line in File.ReadAllLines(_dir.Combine("units", file)).Where(l => l.Length > 0 && !l.StartsWith('#')))
            {
                names.Add(line[..line.IndexOf('=')]);
            }
        }
        Assert.All(names, n => Assert.Contains(n, ServerEnvNames));
        Assert.Contains("NEBULAGC_HMAC_SECRET", names);
        Assert.Contains("NEBULAGC_INSTANCE_ID", names);
        Assert.Equal((UnixFileMode)Convert.ToInt32("600", 8), File.GetUnixFileMode(_dir.Combine("units", "nebulagc-server.secret.env")));
        var secret = File.ReadAllLines(_dir.Combine("units", "nebulagc-server.secret.env")).Single(l => l.StartsWith("NEBULAGC_HMAC_SECRET="));
        Assert.True(secret.Length - "NEBULAGC_HMAC_SECRET=".Length >= 43, "the HMAC secret carries at least 32 random bytes");
    }

    [Fact]
    public void Rendering_twice_with_the_same_inputs_changes_no_byte_and_keeps_the_generated_secret()
    {
        RenderUnit(SystemdComponent.Server);
        var before = Directory.GetFiles(_dir.Combine("units")).ToDictionary(f => f, File.ReadAllBytes);
        var again = SystemdRenderer.Render(Toolkit.Context(new DeploymentSettings { BinDir = _dir.Combine("bin") }), new SystemdRequest(SystemdComponent.Server));
        Toolkit.WriteTo(_dir.Combine("units"), again);
        Assert.All(again, f => Assert.Contains(f.Status, new[] { RenderStatus.Unchanged, RenderStatus.Kept }));
        foreach (var (path, bytes) in before)
        {
            Assert.Equal(bytes, File.ReadAllBytes(path));
        }
    }

    [Fact]
    public void LiteFS_role_points_the_database_at_the_litefs_mount()
    {
        RenderUnit(SystemdComponent.LiteFS);
        var env = File.ReadAllText(_dir.Combine("units", "nebulagc-server.env"));
        Assert.Contains("NEBULAGC_ROLE=litefs\n", env);
        Assert.Contains("NEBULAGC_DB_PATH=/litefs/nebulagc.db\n", env);
        Assert.Contains("NEBULAGC_LITEFS_DIR=/litefs\n", env);
    }
}
