using NebulaGC.Daemon.Configuration;
using NebulaGC.Daemon.Tests.Support;

namespace NebulaGC.Daemon.Tests;

public sealed class DaemonConfigLoaderTests
{
    private const string Uuid = "3f2b8c1e-0d4a-4e3b-9a57-1c2d3e4f5a6b";
    internal static readonly string Token = new('t', 43);

    private static string Cluster(string name = "prod", string tenant = Uuid, string? nodeToken = null, string configDir = "/etc/nebula/prod") =>
        $$"""{"name":"{{name}}","tenant_id":"{{tenant}}","cluster_id":"{{Uuid}}","node_id":"{{Uuid}}","node_token":"{{nodeToken ?? Token}}","cluster_token":"{{Token}}","config_dir":"{{configDir}}"}""";

    private static string Config(string urls = "[\"https://cp1.example.com:8080\"]", string? clusters = null, string extra = "") =>
        $$"""{"control_plane_urls":{{urls}},"clusters":[{{clusters ?? Cluster()}}]{{extra}}}""";

    private static IReadOnlyList<string> Problems(string json) =>
        Assert.Throws<DaemonConfigException>(() => DaemonConfigLoader.Parse(json, "/etc/nebulagc/daemon.json")).Problems;

    [Fact]
    public void A_complete_config_loads_with_defaults_and_strips_a_trailing_v1()
    {
        var settings = DaemonConfigLoader.Parse(Config("[\"https://cp1.example.com:8080/v1\", \"http://10.0.0.2:8080\"]"), "x");
        Assert.Equal(["https://cp1.example.com:8080/", "http://10.0.0.2:8080/"], settings.ControlPlaneUrls.Select(u => u.ToString()));
        Assert.Equal("/var/lib/nebulagc", settings.StateDir);
        Assert.Equal("/usr/bin/nebula", settings.NebulaBinary);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.PollWait);
        var cluster = Assert.Single(settings.Clusters);
        Assert.Equal("prod", cluster.Name);
        Assert.Equal("/etc/nebula/prod", cluster.ConfigDir);
    }

    [Fact]
    public void A_bad_uuid_is_named_with_its_field()
    {
        var problem = Assert.Single(Problems(Config(clusters: Cluster(tenant: "not-a-uuid"))));
        Assert.StartsWith("clusters[0].tenant_id: 'not-a-uuid' is not a UUID", problem);
    }

    [Fact]
    public void A_short_token_is_reported_by_length_without_its_value()
    {
        var problem = Assert.Single(Problems(Config(clusters: Cluster(nodeToken: "secret-but-short"))));
        Assert.Contains("clusters[0].node_token: too short (16 characters", problem);
        Assert.DoesNotContain("secret-but-short", problem);
    }

    [Fact]
    public void Relative_paths_are_refused_for_state_dir_nebula_binary_and_config_dir()
    {
        var problems = Problems(Config(clusters: Cluster(configDir: "etc/nebula"), extra: ",\"state_dir\":\"var/lib/x\",\"nebula_binary\":\"nebula\""));
        Assert.Contains(problems, p => p.StartsWith("state_dir: 'var/lib/x' is not an absolute path"));
        Assert.Contains(problems, p => p.StartsWith("nebula_binary: 'nebula' is not an absolute path"));
        Assert.Contains(problems, p => p.StartsWith("clusters[0].config_dir: 'etc/nebula' is not an absolute path"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    public void No_control_plane_url_is_an_error(string urls)
    {
        Assert.Contains(Problems(Config(urls)), p => p.StartsWith("control_plane_urls: at least one control-plane URL is required"));
    }

    [Theory]
    [InlineData("ftp://cp1:21", "is not an absolute http:// or https:// URL")]
    [InlineData("cp1.example.com:8080", "is not an absolute http:// or https:// URL")]
    [InlineData("https://cp1:8080/?x=1", "must be a base URL without user info, query or fragment")]
    public void Malformed_urls_are_named(string url, string expected)
    {
        var problem = Assert.Single(Problems(Config($"[\"{url}\"]")));
        Assert.Contains("control_plane_urls[0]", problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Duplicate_cluster_names_are_refused()
    {
        var problems = Problems(Config(clusters: Cluster() + "," + Cluster(configDir: "/etc/nebula/other")));
        Assert.Equal("clusters[1].name: 'prod' is already used by clusters[0]; cluster names must be unique", Assert.Single(problems));
    }

    [Theory]
    [InlineData("/etc/nebula/prod")]
    [InlineData("/etc/nebula/prod/inner")]
    [InlineData("/etc/nebula")]
    public void Clashing_config_dirs_are_refused(string second)
    {
        var problem = Assert.Single(Problems(Config(clusters: Cluster() + "," + Cluster(name: "lab", configDir: second))));
        Assert.StartsWith($"clusters[1].config_dir: '{second}' clashes with clusters[0].config_dir '/etc/nebula/prod'", problem);
    }

    [Fact]
    public void A_config_dir_inside_the_state_dir_is_refused()
    {
        var problem = Assert.Single(Problems(Config(clusters: Cluster(configDir: "/var/lib/nebulagc/prod"))));
        Assert.Contains("clashes with state_dir '/var/lib/nebulagc'", problem);
    }

    [Fact]
    public void No_cluster_is_an_error()
    {
        Assert.Contains(Problems("""{"control_plane_urls":["http://a:1"],"clusters":[]}"""), p => p == "clusters: at least one cluster is required");
    }

    [Fact]
    public void Missing_cluster_fields_are_each_reported()
    {
        var problems = Problems("""{"control_plane_urls":["http://a:1"],"clusters":[{}]}""");
        Assert.Contains("clusters[0].name: required", problems);
        Assert.Contains(problems, p => p.StartsWith("clusters[0].tenant_id: required"));
        Assert.Contains(problems, p => p.StartsWith("clusters[0].cluster_id: required"));
        Assert.Contains(problems, p => p.StartsWith("clusters[0].node_id: required"));
        Assert.Contains("clusters[0].node_token: required", problems);
        Assert.Contains("clusters[0].cluster_token: required", problems);
        Assert.Contains(problems, p => p.StartsWith("clusters[0].config_dir: required"));
    }

    [Fact]
    public void An_unknown_field_is_an_error_not_a_silent_default()
    {
        var problem = Assert.Single(Problems(Config(extra: ",\"state-dir\":\"/x\"")));
        Assert.Contains("unknown field 'state-dir'", problem);
    }

    [Theory]
    [InlineData(",\"poll_wait_seconds\":0", "poll_wait_seconds: 0 is out of range")]
    [InlineData(",\"poll_wait_seconds\":61", "poll_wait_seconds: 61 is out of range")]
    [InlineData(",\"poll_interval_seconds\":0", "poll_interval_seconds: 0 is out of range")]
    public void Poll_timings_out_of_range_are_refused(string extra, string expected)
    {
        Assert.StartsWith(expected, Assert.Single(Problems(Config(extra: extra))));
    }

    [Fact]
    public void Invalid_json_is_reported_as_such()
    {
        Assert.StartsWith("not valid daemon config JSON", Assert.Single(Problems("{\"control_plane_urls\": [")));
    }

    [Fact]
    public void The_executable_prints_every_problem_and_exits_2_on_an_invalid_config()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("daemon.json");
        File.WriteAllText(path, Config(clusters: Cluster(tenant: "x", nodeToken: "short-secret")));
        var (exitCode, stdout, stderr) = Nebulagc.Run("daemon", "--config", path);
        Assert.Equal(2, exitCode);
        Assert.Equal("", stdout);
        Assert.Contains($"daemon config '{path}' is invalid", stderr);
        Assert.Contains("clusters[0].tenant_id: 'x' is not a UUID", stderr);
        Assert.Contains("clusters[0].node_token: too short", stderr);
        Assert.DoesNotContain("short-secret", stderr);
    }

    [Fact]
    public void The_executable_prints_its_version()
    {
        var (exitCode, stdout, _) = Nebulagc.Run("--version");
        Assert.Equal(0, exitCode);
        Assert.Equal(DaemonRunnerVersion(), stdout.Trim());
    }

    private static string DaemonRunnerVersion() => Agent.DaemonRunner.ProductVersion;
}

/// <summary>Runs the real <c>nebulagc</c> executable (<see cref="RepositoryPaths.DaemonDll"/>).</summary>
internal static class Nebulagc
{
    public static ProcessResult Run(params string[] args) =>
        ProcessRunner.Run("dotnet", [RepositoryPaths.DaemonDll, .. args], timeout: TimeSpan.FromSeconds(30));

    /// <summary>
    /// The first cluster of <c>nebulagc status --output json</c> for a config, retried for up to 30 s while it exits 3
    /// (the daemon has not published a status yet, or is not running).
    /// </summary>
    public static System.Text.Json.JsonElement ClusterStatus(string configFile, Func<string> diagnostics)
    {
        ProcessResult status = null!;
        Wait.Until(() =>
        {
            status = Run("status", "--config", configFile, "--output", "json");
            Assert.True(status.ExitCode is 0 or 3, $"nebulagc status failed: {status.Describe()}\n{diagnostics()}");
            return status.ExitCode == 0;
        }, TimeSpan.FromSeconds(30), () => $"nebulagc status: {status.Describe()}\n{diagnostics()}");
        return System.Text.Json.JsonDocument.Parse(status.Stdout).RootElement.GetProperty("status").GetProperty("clusters")[0].Clone();
    }
}
