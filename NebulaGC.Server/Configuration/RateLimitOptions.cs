namespace NebulaGC.Server.Configuration;

/// <summary>
/// The request limits of SPEC §3. Each has a <c>serve</c> flag and a <c>NEBULAGC_RATE_LIMIT_*</c> variable; the defaults
/// are the documented values. Failed authentications are limited per source address and per claimed node and cluster, so
/// neither a spread of addresses nor one shared address decides alone.
/// </summary>
public sealed record RateLimitOptions
{
    /// <summary>Requests per minute per authenticated node (100); a long-poll counts once.</summary>
    public int NodeRequestsPerMinute { get; init; } = 100;

    /// <summary>Bundle uploads per minute per cluster (10).</summary>
    public int UploadsPerClusterPerMinute { get; init; } = 10;

    /// <summary>Failed authentications per minute per source address before 429 with <c>Retry-After: 60</c> (10).</summary>
    public int FailedAuthPerIpPerMinute { get; init; } = 10;

    /// <summary>Failed authentications per ten minutes per source address that block it for <see cref="FailedAuthBlock"/> (50).</summary>
    public int FailedAuthPerIpPerTenMinutes { get; init; } = 50;

    /// <summary>Failed authentications per minute naming one node id, from any address (10); ten minutes allow five times as many.</summary>
    public int FailedAuthPerNodePerMinute { get; init; } = 10;

    /// <summary>Failed authentications per minute naming one cluster, from any address (100); ten minutes allow five times as many.</summary>
    public int FailedAuthPerClusterPerMinute { get; init; } = 100;

    /// <summary>How long a source, node or cluster over its ten-minute failure limit is blocked (1 h).</summary>
    public TimeSpan FailedAuthBlock { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The environment variable (and, lower-cased with dashes, the <c>serve</c> flag) of each setting.</summary>
    public static readonly IReadOnlyList<(string Variable, string Flag, string Description)> Settings =
    [
        ("NEBULAGC_RATE_LIMIT_NODE_REQUESTS", "--rate-limit-node-requests", "requests per minute per node (default 100)"),
        ("NEBULAGC_RATE_LIMIT_UPLOADS", "--rate-limit-uploads", "bundle uploads per minute per cluster (default 10)"),
        ("NEBULAGC_RATE_LIMIT_FAILED_AUTH_IP", "--rate-limit-failed-auth-ip", "failed authentications per minute per source address before 429 (default 10)"),
        ("NEBULAGC_RATE_LIMIT_FAILED_AUTH_IP_BLOCK", "--rate-limit-failed-auth-ip-block", "failed authentications per 10 minutes per source address that block it for an hour (default 50)"),
        ("NEBULAGC_RATE_LIMIT_FAILED_AUTH_NODE", "--rate-limit-failed-auth-node", "failed authentications per minute naming one node, from any address (default 10)"),
        ("NEBULAGC_RATE_LIMIT_FAILED_AUTH_CLUSTER", "--rate-limit-failed-auth-cluster", "failed authentications per minute naming one cluster, from any address (default 100)"),
    ];

    /// <summary>Builds the options from the values of <see cref="Settings"/>, in order; a null keeps the default.</summary>
    public static RateLimitOptions From(IReadOnlyList<int?> values)
    {
        var defaults = new RateLimitOptions();
        return new RateLimitOptions
        {
            NodeRequestsPerMinute = values[0] ?? defaults.NodeRequestsPerMinute,
            UploadsPerClusterPerMinute = values[1] ?? defaults.UploadsPerClusterPerMinute,
            FailedAuthPerIpPerMinute = values[2] ?? defaults.FailedAuthPerIpPerMinute,
            FailedAuthPerIpPerTenMinutes = values[3] ?? defaults.FailedAuthPerIpPerTenMinutes,
            FailedAuthPerNodePerMinute = values[4] ?? defaults.FailedAuthPerNodePerMinute,
            FailedAuthPerClusterPerMinute = values[5] ?? defaults.FailedAuthPerClusterPerMinute,
        };
    }
}
