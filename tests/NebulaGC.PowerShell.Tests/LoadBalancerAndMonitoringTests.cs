using System.Text.Json;
using System.Text.RegularExpressions;
using NebulaGC.PowerShell.Rendering;
using Xunit.Abstractions;

namespace NebulaGC.PowerShell.Tests;

public sealed class LoadBalancerAndMonitoringTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DeploymentSettings WithBackends() => new()
    {
        Backends = [new BackendSettings { Address = "127.0.0.1:18081" }, new BackendSettings { Address = "127.0.0.1:18082" }, new BackendSettings { Address = "127.0.0.1:18083" }],
        LoadBalancerPort = 18080,
    };

    [Fact]
    public void HAProxy_accepts_the_rendered_config_and_writes_are_checked_against_the_check_master_body()
    {
        var file = Toolkit.WriteTo(_dir.Path, LoadBalancerRenderer.Render(Toolkit.Context(WithBackends()), LoadBalancerKind.HAProxy))[0];
        var result = ProcessRunner.Run(ProcessRunner.Find("haproxy"), ["-c", "-f", file.Path]);
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("[WARNING]", result.Stdout + result.Stderr);
        var master = Regex.Match(file.Content, @"backend nebulagc_master\n(?<body>(?:    .*\n)+)").Groups["body"].Value;
        Assert.Contains("option httpchk GET /v1/check-master", master);
        Assert.Contains(@"http-check expect rstring ""\""master\""[[:space:]]*:[[:space:]]*true""", master);
        Assert.Equal(3, Regex.Matches(master, @"server nebulagc\d 127\.0\.0\.1:1808\d check").Count);
        Assert.Contains("default_backend nebulagc_master", file.Content);
        Assert.Contains("use_backend nebulagc_all if is_read", file.Content);
        Assert.Contains("option httpchk GET /v1/readyz", file.Content);
    }

    [Fact]
    public void HAProxy_master_check_matches_only_a_master_body()
    {
        // The same extended regex HAProxy applies (rstring), against both answers check-master gives.
        var content = LoadBalancerRenderer.Render(Toolkit.Context(WithBackends()), LoadBalancerKind.HAProxy)[0].Content;
        var pattern = Regex.Match(content, @"rstring ""(.*)""").Groups[1].Value.Replace("\\\"", "\"").Replace("[[:space:]]", @"\s");
        Assert.Matches(pattern, """{"master":true,"instance_id":"cp1","epoch":3}""");
        Assert.Matches(pattern, """{"master": true, "instance_id": "cp1", "epoch": 3}""");
        Assert.DoesNotMatch(pattern, """{"master":false,"instance_id":"cp2","epoch":3}""");
    }

    [Fact]
    public void Nginx_accepts_the_rendered_config()
    {
        var file = Toolkit.WriteTo(_dir.Path, LoadBalancerRenderer.Render(Toolkit.Context(WithBackends()), LoadBalancerKind.Nginx, _dir.Combine("nginx.pid")))[0];
        var result = ProcessRunner.Run(ProcessRunner.Find("nginx"), ["-t", "-c", file.Path, "-p", _dir.Path, "-e", "stderr"]);
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("test is successful", result.Stderr);
        Assert.Contains("proxy_next_upstream error timeout http_502 http_503 non_idempotent;", file.Content);
    }

    [Fact]
    public void A_load_balancer_without_backends_is_refused()
    {
        var e = Assert.Throws<NebulaGCException>(() => LoadBalancerRenderer.Render(Toolkit.Context(), LoadBalancerKind.HAProxy));
        Assert.Equal(ErrorIds.LoadBalancerNoBackend, e.Id);
    }

    private IReadOnlyList<RenderedFile> Monitoring(bool litefs) =>
        Toolkit.WriteTo(_dir.Path, MonitoringRenderer.Render(Toolkit.Context(), litefs));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Promtool_checks_the_rules_and_their_unit_tests_pass(bool litefs)
    {
        var files = Monitoring(litefs);
        var promtool = ProcessRunner.Find("promtool");
        var check = ProcessRunner.Run(promtool, ["check", "rules", files.Single(f => f.Kind == "PrometheusRules").Path]);
        output.WriteLine(check.ToString());
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains(litefs ? "SUCCESS: 10 rules found" : "SUCCESS: 8 rules found", check.Stdout);
        var test = ProcessRunner.Run(promtool, ["test", "rules", files.Single(f => f.Kind == "PrometheusRuleTests").Path], _dir.Path);
        output.WriteLine(test.ToString());
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("SUCCESS", test.Stdout);
    }

    [Fact]
    public void Alert_rules_and_dashboard_use_only_metrics_the_server_or_LiteFS_export()
    {
        var files = Monitoring(litefs: true);
        var rules = YamlCheck.Parse(files.Single(f => f.Kind == "PrometheusRules").Content, "rules")[0];
        var exprs = YamlCheck.KeyPaths(rules.RootNode).Where(p => p.Path == "groups[].rules[].expr").Select(p => p.Node.ToString()).ToList();
        using var dashboard = JsonDocument.Parse(files.Single(f => f.Kind == "GrafanaDashboard").Content);
        exprs.AddRange(dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!));
        Assert.True(exprs.Count >= 18);
        var known = MonitoringRenderer.ServerMetrics.Concat(MonitoringRenderer.LiteFSMetrics)
            .SelectMany(m => new[] { m, m + "_bucket", m + "_sum", m + "_count" }).ToHashSet();
        foreach (var expr in exprs)
        {
            var metrics = PromQL.MetricNames(expr);
            Assert.NotEmpty(metrics);
            Assert.All(metrics, m => Assert.True(known.Contains(m), $"'{m}' in '{expr}' is not exported by nebulagc-server or LiteFS"));
        }
    }

    [Fact]
    public void The_metric_name_extractor_finds_an_unknown_metric()
    {
        Assert.Equal(["up", "nebulagc_ha_epoch"], PromQL.MetricNames("sum by (job) (up{job=\"x\"} == 0) or changes(nebulagc_ha_epoch[5m]) > 0"));
    }
}

/// <summary>Metric names in a PromQL expression: identifiers that are not functions, keywords, label names or durations.</summary>
internal static class PromQL
{
    private static readonly HashSet<string> Keywords = ["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "bool", "le", "inf", "nan"];

    public static List<string> MetricNames(string expr)
    {
        var s = Regex.Replace(expr, "\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");        // string literals
        s = Regex.Replace(s, @"\{[^}]*\}", "");                                   // label matchers
        s = Regex.Replace(s, @"\[[^\]]*\]", "");                                  // range selectors
        s = Regex.Replace(s, @"\b(by|without|on|ignoring)\s*\([^)]*\)", "");      // grouping label lists
        return Regex.Matches(s, @"(?<![\w.:])((?>[a-zA-Z_:][a-zA-Z0-9_:]*))(?!\s*\()")
            .Select(m => m.Groups[1].Value)
            .Where(n => !Keywords.Contains(n.ToLowerInvariant()))
            .Distinct()
            .ToList();
    }
}
