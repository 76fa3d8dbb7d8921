namespace NebulaGC.Client.Http;

/// <summary>Timeouts of <see cref="ControlPlaneClient"/>: bounded, so a dead instance costs seconds before failover.</summary>
public sealed record ControlPlaneClientOptions
{
    /// <summary>TCP (and TLS) connect timeout per instance (default 3 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Whole-request timeout per instance, on top of a long-poll's wait (default 10 s).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest bundle accepted (default 10 MiB, the server's upload limit, SPEC §2).</summary>
    public long MaxBundleBytes { get; init; } = 10L * 1024 * 1024;
}
