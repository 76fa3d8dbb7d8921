using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Configuration;

/// <summary>Everything <c>serve</c> is configured with; each value comes from a flag or its <c>NEBULAGC_*</c> variable.</summary>
public sealed record ServerOptions
{
    public const string DefaultListen = "127.0.0.1:8080";
    public const string DefaultDbPath = "/var/lib/nebulagc/nebulagc.db";
    public const string DefaultAdminSocket = "/run/nebulagc/admin.sock";

    public required string Listen { get; init; }

    public required string DbPath { get; init; }

    public required ServerRole Role { get; init; }

    public required string InstanceId { get; init; }

    public string? PublicUrl { get; init; }

    /// <summary>Unix socket for super-admin operations (mode 0600); null turns it off.</summary>
    public string? AdminSocket { get; init; }

    /// <summary>Separate listener for <c>/metrics</c>, e.g. <c>127.0.0.1:9090</c>; off when null.</summary>
    public string? MetricsAddress { get; init; }

    /// <summary>Peers whose <c>X-Forwarded-For</c> is believed: IPs or CIDRs.</summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    public string? TlsCertificate { get; init; }

    public string? TlsKey { get; init; }

    public string LogLevel { get; init; } = "information";

    public string LogFormat { get; init; } = "json";

    /// <summary>
    /// Other instances (or the load balancer) asked for their epoch before this instance acts as master, and every
    /// heartbeat while it is: a master that finds a newer one stays or turns read-only (the fence for a returning master).
    /// </summary>
    public IReadOnlyList<string> PeerUrls { get; init; } = [];

    /// <summary>The LiteFS FUSE mount to follow in the <c>litefs</c> role.</summary>
    public string? LiteFsDirectory { get; init; }

    /// <summary>Where control-plane lighthouses keep their keys and configs (default: <c>lighthouse/</c> beside the database).</summary>
    public string? LighthouseDirectory { get; init; }

    /// <summary>The <c>nebula</c> executable control-plane lighthouses run.</summary>
    public string NebulaBinary { get; init; } = "nebula";

    /// <summary>How often lighthouse processes are reconciled with cluster state (2 s).</summary>
    public TimeSpan LighthouseReconcileInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often instances report and check fencing (10 s).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the <c>litefs</c> role re-reads <c>.primary</c> (1 s).</summary>
    public TimeSpan RoleCheckInterval { get; init; } = TimeSpan.FromSeconds(1);
}
