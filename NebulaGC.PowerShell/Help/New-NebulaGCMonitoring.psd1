@{
    Synopsis    = 'Renders Prometheus alert rules (with promtool unit tests) and a Grafana dashboard for NebulaGC.'
    Description = @'
Writes nebulagc.rules.yml (no master, two masters, failover, instance missing, 5xx ratio, p99 latency, authentication failures, rate limiting; with -IncludeLiteFS also LiteFS primary and lag), nebulagc.rules.test.yml (run: promtool test rules nebulagc.rules.test.yml) and grafana-dashboard.json.

Every expression uses only metrics nebulagc-server exports (nebulagc_http_requests_total, nebulagc_http_request_duration_seconds, nebulagc_auth_failures_total, nebulagc_rate_limited_total, nebulagc_config_version_bumps_total, nebulagc_bundle_uploads_total, nebulagc_ha_is_master, nebulagc_ha_epoch, nebulagc_build_info) and, for LiteFS, litefs_is_primary and litefs_lag_seconds. Scrape each instance's metrics listener (NEBULAGC_METRICS_ADDR).
'@
    Parameters  = @{
        IncludeLiteFS = 'Add the LiteFS alert rules (LiteFS topology).'
    }
    Examples    = @(
        @{
            Title   = 'Rules and dashboard for Prometheus and Grafana'
            Code    = 'New-NebulaGCMonitoring -Path ./monitoring; promtool test rules ./monitoring/nebulagc.rules.test.yml'
            Remarks = 'Load nebulagc.rules.yml in Prometheus (rule_files) and import grafana-dashboard.json in Grafana.'
        }
    )
}
