using System.Net;
using System.Text.RegularExpressions;
using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Api;

public sealed partial class MetricsTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestServer _server = null!;
    private int _metricsPort;

    public async Task InitializeAsync()
    {
        _metricsPort = FreePort.Tcp();
        _server = await TestServer.StartAsync(_dir.Combine("nebulagc.db"), metricsAddress: $"127.0.0.1:{_metricsPort}");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [GeneratedRegex(@"^# TYPE (nebulagc_\w+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [Fact]
    public async Task Every_registered_metric_has_a_sample_after_the_api_is_exercised()
    {
        var admin = _server.Bootstrap();
        using (await _server.GetAsync("/v1/nodes", admin))
        using (await _server.GetAsync("/v1/nodes", admin with { NodeToken = NebulaGC.Server.Security.TokenService.Generate() }))
        using (await _server.SendAsync(HttpMethod.Post, "/v1/config/bundle", admin, new ByteArrayContent(BundleFactory.Valid())))
        using (await _server.SendAsync(HttpMethod.Post, "/v1/config/bundle", admin, new ByteArrayContent("x"u8.ToArray())))
        {
        }
        // Nine more failures reach the limit of ten; the next attempt is refused by the failed-auth limiter.
        for (var i = 0; i < 10; i++)
        {
            using var _ = await _server.GetAsync("/v1/nodes", admin with { NodeToken = "x" });
        }

        _server.Service<NebulaGC.Server.Services.ReplicaService>().Record("cp-replica", "http://cp-replica:8080", "replica");
        _server.Time.Advance(TimeSpan.FromSeconds(3));
        await _server.Service<NebulaGC.Server.Ha.HeartbeatService>().BeatAsync(CancellationToken.None);

        using var client = new HttpClient();
        var text = await client.GetStringAsync($"http://127.0.0.1:{_metricsPort}/metrics");
        var registered = TypeLine().Matches(text).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(
            ["nebulagc_auth_failures_total", "nebulagc_build_info", "nebulagc_bundle_uploads_total", "nebulagc_config_version_bumps_total",
             "nebulagc_ha_epoch", "nebulagc_ha_heartbeat_age_seconds", "nebulagc_ha_is_master", "nebulagc_http_request_duration_seconds", "nebulagc_http_requests_total", "nebulagc_rate_limited_total"],
            registered.Order());
        foreach (var metric in registered)
        {
            Assert.Matches(new Regex($@"^{metric}(_count|_sum|_bucket)?(\{{[^}}]*\}})? [1-9]", RegexOptions.Multiline), text);
        }
        Assert.Contains("route=\"/v1/nodes\"", text);
        Assert.Contains("nebulagc_bundle_uploads_total{result=\"rejected\"} 1", text);
        Assert.Contains("nebulagc_rate_limited_total{limiter=\"failed_auth\"} 1", text);
        Assert.DoesNotContain(admin.NodeId.ToString(), text);
        Assert.Contains("nebulagc_ha_heartbeat_age_seconds{instance=\"cp-replica\"} 3", text);
    }

    [Fact]
    public async Task Metrics_are_served_only_on_the_metrics_listener()
    {
        using var response = await _server.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
