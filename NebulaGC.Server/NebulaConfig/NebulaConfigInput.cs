using System.Net;

namespace NebulaGC.Server.NebulaConfig;

/// <summary>
/// Everything needed to render one node's Nebula 1.6 <c>config.yml</c>, gathered from cluster state by the caller.
/// Lists are emitted in the order given, so callers pass a stable order (e.g. sorted by overlay IP) to get
/// byte-identical output for an unchanged cluster.
/// </summary>
public sealed record NebulaConfigInput
{
    /// <summary>The node the config is for.</summary>
    public required NebulaNodeSettings Node { get; init; }

    /// <summary>Nodes flagged as lighthouses, with their public endpoints. The node itself may be included; it is skipped.</summary>
    public IReadOnlyList<NebulaLighthouse> Lighthouses { get; init; } = [];

    /// <summary>Control-plane instances serving as lighthouses (when the cluster has <c>provide_lighthouse</c>).</summary>
    public IReadOnlyList<NebulaLighthouse> ControlPlaneLighthouses { get; init; } = [];

    /// <summary>Overlay IPs of relay nodes. The node itself may be included; it is skipped.</summary>
    public IReadOnlyList<IPAddress> Relays { get; init; } = [];

    /// <summary>Routes advertised by other nodes; routes via the node itself are skipped.</summary>
    public IReadOnlyList<NebulaUnsafeRoute> UnsafeRoutes { get; init; } = [];

    /// <summary>Fingerprints (lowercase hex SHA-256) of revoked certificates, for <c>pki.blocklist</c>.</summary>
    public IReadOnlyList<string> BlocklistFingerprints { get; init; } = [];

    /// <summary>Rules added after the default firewall (outbound any; inbound ICMP from any).</summary>
    public IReadOnlyList<NebulaFirewallRule> ExtraFirewallRules { get; init; } = [];
}

/// <summary>The node's own settings.</summary>
/// <param name="Name">Node name (used in <c>lighthouses.json</c> and for the reader's orientation only).</param>
/// <param name="OverlayIp">The node's overlay IPv4 address (as in its certificate).</param>
public sealed record NebulaNodeSettings(string Name, IPAddress OverlayIp)
{
    /// <summary>Default MTU of the tun device, in bytes (SPEC: 1300).</summary>
    public const int DefaultMtu = 1300;

    /// <summary>Default UDP port of lighthouses and relays.</summary>
    public const int DefaultPinnedPort = 4242;

    /// <summary>Tun MTU in bytes, 1280–9000. Default <see cref="DefaultMtu"/>.</summary>
    public int Mtu { get; init; } = DefaultMtu;

    /// <summary>Serve as lighthouse: <c>am_lighthouse: true</c>, no lighthouse hosts, pinned listen port.</summary>
    public bool IsLighthouse { get; init; }

    /// <summary>Serve as relay: <c>am_relay: true</c>, pinned listen port.</summary>
    public bool IsRelay { get; init; }

    /// <summary>
    /// UDP port used when the node is a lighthouse or relay (peers must know where to reach it); other nodes use
    /// port 0 (random), which is friendlier to NAT and to several Nebula instances on one host. Default 4242.
    /// </summary>
    public int PinnedListenPort { get; init; } = DefaultPinnedPort;

    /// <summary>Address to bind; <c>0.0.0.0</c> (default) for IPv4, <c>[::]</c> for dual stack.</summary>
    public string ListenHost { get; init; } = "0.0.0.0";

    /// <summary>Tun device name; distinct per cluster when a node joins several. Default <c>nebula1</c>.</summary>
    public string TunDevice { get; init; } = "nebula1";

    /// <summary>Run without a tun device (<c>tun.disabled</c>): for control-plane lighthouse processes, which need no root.</summary>
    public bool TunDisabled { get; init; }

    /// <summary>How often non-lighthouses report to lighthouses, in seconds. Default 60.</summary>
    public int LighthouseIntervalSeconds { get; init; } = 60;

    /// <summary>Nebula log level: panic, fatal, error, warning, info (default) or debug.</summary>
    public string LogLevel { get; init; } = "info";
}

/// <summary>A lighthouse: its overlay IP and the public UDP endpoints (<c>host:port</c>) where it is reached.</summary>
/// <param name="OverlayIp">Overlay IPv4 address of the lighthouse; must lie in the cluster's overlay network (Nebula refuses others).</param>
/// <param name="Endpoints">
/// Public <c>ip:port</c> or <c>hostname:port</c> entries; a lighthouse without any is skipped. Nebula 1.6 resolves
/// hostnames once at start-up and refuses to start when one does not resolve, so prefer IP addresses.
/// </param>
public sealed record NebulaLighthouse(IPAddress OverlayIp, IReadOnlyList<string> Endpoints);

/// <summary>A route to a non-Nebula network through another node (<c>tun.unsafe_routes</c>).</summary>
/// <param name="Route">Destination network, e.g. 192.168.10.0/24; the router's certificate must list it in its subnets.</param>
/// <param name="Via">Overlay IP of the node that routes it.</param>
public sealed record NebulaUnsafeRoute(IPNetwork Route, IPAddress Via)
{
    /// <summary>Optional MTU for this route in bytes; the tun MTU when null.</summary>
    public int? Mtu { get; init; }
}

/// <summary>Whether a firewall rule applies to inbound or outbound traffic.</summary>
public enum NebulaFirewallDirection
{
    /// <summary>Traffic arriving at the node.</summary>
    Inbound,

    /// <summary>Traffic leaving the node.</summary>
    Outbound,
}

/// <summary>
/// One Nebula firewall rule. At least one of <see cref="Host"/>, <see cref="Groups"/> or <see cref="Cidr"/> must be set.
/// </summary>
/// <param name="Direction">Inbound or outbound.</param>
/// <param name="Port"><c>any</c>, a port (<c>443</c>) or a range (<c>8000-8080</c>).</param>
/// <param name="Proto"><c>any</c>, <c>tcp</c>, <c>udp</c> or <c>icmp</c>.</param>
public sealed record NebulaFirewallRule(NebulaFirewallDirection Direction, string Port, string Proto)
{
    /// <summary><c>any</c> or a certificate name.</summary>
    public string? Host { get; init; }

    /// <summary>Groups the peer must all belong to.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>Peer overlay network, e.g. 10.42.1.0/24.</summary>
    public string? Cidr { get; init; }
}
