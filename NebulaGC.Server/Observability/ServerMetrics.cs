using Prometheus;

namespace NebulaGC.Server.Observability;

/// <summary>
/// Every metric the server registers, in one registry per server instance. Each one is updated somewhere: a metric
/// that never moves would lie to the operator.
/// </summary>
public sealed class ServerMetrics
{
    public ServerMetrics(string version)
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        HttpRequests = factory.CreateCounter("nebulagc_http_requests_total", "HTTP requests by method, route template and status code.",
            new CounterConfiguration { LabelNames = ["method", "route", "code"] });
        HttpDuration = factory.CreateHistogram("nebulagc_http_request_duration_seconds", "HTTP request duration by method and route template.",
            new HistogramConfiguration { LabelNames = ["method", "route"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        AuthFailures = factory.CreateCounter("nebulagc_auth_failures_total", "Failed node authentications by reason.",
            new CounterConfiguration { LabelNames = ["reason"] });
        RateLimited = factory.CreateCounter("nebulagc_rate_limited_total", "Requests refused by a rate limit, by limiter (failed_auth, node, upload).",
            new CounterConfiguration { LabelNames = ["limiter"] });
        ConfigVersionBumps = factory.CreateCounter("nebulagc_config_version_bumps_total", "Committed changes that moved a cluster's config version.");
        BundleUploads = factory.CreateCounter("nebulagc_bundle_uploads_total", "External-PKI bundle uploads by result (accepted, rejected).",
            new CounterConfiguration { LabelNames = ["result"] });
        IsMaster = factory.CreateGauge("nebulagc_ha_is_master", "1 when this instance accepts writes, else 0.");
        Epoch = factory.CreateGauge("nebulagc_ha_epoch", "The fencing epoch this instance last observed.");
        HeartbeatAge = factory.CreateGauge("nebulagc_ha_heartbeat_age_seconds", "Seconds since each registered control-plane instance last reported (master only).",
            new GaugeConfiguration { LabelNames = ["instance"] });
        BuildInfo = factory.CreateGauge("nebulagc_build_info", "Always 1; the version label names the running build.",
            new GaugeConfiguration { LabelNames = ["version"] });
        BuildInfo.WithLabels(version).Set(1);
    }

    public CollectorRegistry Registry { get; }

    public Counter HttpRequests { get; }

    public Histogram HttpDuration { get; }

    public Counter AuthFailures { get; }

    public Counter RateLimited { get; }

    public Counter ConfigVersionBumps { get; }

    public Counter BundleUploads { get; }

    public Gauge IsMaster { get; }

    public Gauge Epoch { get; }

    public Gauge HeartbeatAge { get; }

    public Gauge BuildInfo { get; }
}
