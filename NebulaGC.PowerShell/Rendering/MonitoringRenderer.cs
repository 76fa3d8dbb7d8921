using System.Text.Json;

namespace NebulaGC.PowerShell.Rendering;

/// <summary>Prometheus alert rules (+ their promtool unit tests) and a Grafana dashboard, on metrics the server exports.</summary>
public static class MonitoringRenderer
{
    /// <summary>Metric families nebulagc-server exports (SPEC §5); histogram series add _bucket, _sum and _count.</summary>
    public static readonly IReadOnlySet<string> ServerMetrics = new HashSet<string>(StringComparer.Ordinal)
    {
        "nebulagc_http_requests_total", "nebulagc_http_request_duration_seconds", "nebulagc_auth_failures_total",
        "nebulagc_rate_limited_total", "nebulagc_config_version_bumps_total", "nebulagc_bundle_uploads_total",
        "nebulagc_ha_is_master", "nebulagc_ha_epoch", "nebulagc_build_info",
    };

    /// <summary>LiteFS's own metric names (FACTS.md).</summary>
    public static readonly IReadOnlySet<string> LiteFSMetrics = new HashSet<string>(StringComparer.Ordinal)
    {
        "litefs_is_primary", "litefs_lag_seconds", "litefs_db_lag_seconds", "litefs_subscriber_count",
    };

    public static IReadOnlyList<RenderedFile> Render(RenderContext ctx, bool includeLiteFS)
    {
        var vars = new Dictionary<string, object?>
        {
            ["include_litefs"] = includeLiteFS,
            ["dashboard_title"] = $"NebulaGC ({ctx.Settings.Name})",
            ["dashboard_uid"] = $"{ctx.Settings.Name}-overview",
        };
        var dashboard = ctx.Render("monitoring/grafana-dashboard.json.scriban", "grafana-dashboard.json", "GrafanaDashboard", variables: vars);
        try
        {
            using var _ = JsonDocument.Parse(dashboard.Content);
        }
        catch (JsonException e)
        {
            throw new NebulaGCException(ErrorIds.TemplateRenderFailed, $"grafana-dashboard.json is not valid JSON: {e.Message}", "grafana-dashboard.json", e);
        }
        return
        [
            ctx.Render("monitoring/nebulagc.rules.yml.scriban", "nebulagc.rules.yml", "PrometheusRules", variables: vars),
            ctx.Render("monitoring/nebulagc.rules.test.yml.scriban", "nebulagc.rules.test.yml", "PrometheusRuleTests", variables: vars),
            dashboard,
        ];
    }
}
