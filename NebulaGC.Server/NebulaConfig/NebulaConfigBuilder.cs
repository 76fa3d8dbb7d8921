using System.Net;
using System.Net.Sockets;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.NebulaConfig;

/// <summary>What every rendered config of one cluster is built from, as read in one snapshot of the database.</summary>
/// <param name="ClusterId">Names the tun device (<see cref="NebulaConfigBuilder.TunDeviceName"/>).</param>
/// <param name="Members">The cluster's nodes, in a stable order (configs list them in this order).</param>
/// <param name="ControlPlaneLighthouses">Control-plane instances serving as lighthouses; empty unless the cluster has <c>provide_lighthouse</c>.</param>
/// <param name="BlocklistFingerprints">Revoked certificates still within their validity.</param>
/// <param name="InboundRules">The cluster's extra inbound firewall rules.</param>
public sealed record ClusterConfigState(
    Guid ClusterId,
    IReadOnlyList<ClusterMember> Members,
    IReadOnlyList<NebulaLighthouse> ControlPlaneLighthouses,
    IReadOnlyList<string> BlocklistFingerprints,
    IReadOnlyList<FirewallRule> InboundRules);

/// <summary>One node of a cluster as the configs of it and its peers see it.</summary>
public sealed record ClusterMember(
    Guid NodeId,
    string Name,
    IPAddress OverlayIp,
    int Mtu,
    bool IsLighthouse,
    string? PublicIp,
    int? LighthousePort,
    bool IsRelay,
    IReadOnlyList<IPNetwork> Routes);

/// <summary>
/// The one place cluster state becomes a <see cref="NebulaConfigInput"/>: for a member node's bundle and for a control-plane
/// lighthouse process alike, with one endpoint format and one tun-device rule.
/// </summary>
public static class NebulaConfigBuilder
{
    /// <summary>
    /// A tun name per cluster (<c>ngc</c> + 12 hex digits of the cluster id, 15 characters, the kernel's limit), so a node in
    /// several clusters runs one nebula per cluster without the devices colliding.
    /// </summary>
    public static string TunDeviceName(Guid clusterId) => "ngc" + clusterId.ToString("N")[..12];

    /// <summary><c>host:port</c> for <c>static_host_map</c>; an IPv6 address is bracketed (<c>[2001:db8::1]:4242</c>), given with or without brackets.</summary>
    public static string Endpoint(string host, int port)
    {
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(bare, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{bare}]:{port}" : $"{bare}:{port}";
    }

    /// <summary>The config input of member <paramref name="nodeId"/>: its peers' lighthouses, relays and routes, and the cluster's firewall.</summary>
    public static NebulaConfigInput ForMember(ClusterConfigState cluster, Guid nodeId)
    {
        var self = cluster.Members.Single(n => n.NodeId == nodeId);
        return new NebulaConfigInput
        {
            Node = new NebulaNodeSettings(self.Name, self.OverlayIp)
            {
                Mtu = self.Mtu,
                IsLighthouse = self.IsLighthouse,
                IsRelay = self.IsRelay,
                PinnedListenPort = self.LighthousePort ?? NebulaNodeSettings.DefaultPinnedPort,
                TunDevice = TunDeviceName(cluster.ClusterId),
            },
            Lighthouses = MemberLighthouses(cluster),
            Relays = cluster.Members.Where(n => n.IsRelay && n.NodeId != nodeId).Select(n => n.OverlayIp).ToList(),
            UnsafeRoutes = cluster.Members.Where(n => n.NodeId != nodeId)
                .SelectMany(n => n.Routes.Select(route => new NebulaUnsafeRoute(route, n.OverlayIp)))
                .ToList(),
            ControlPlaneLighthouses = cluster.ControlPlaneLighthouses,
            BlocklistFingerprints = cluster.BlocklistFingerprints,
            ExtraFirewallRules = cluster.InboundRules
                .Select(r => new NebulaFirewallRule(NebulaFirewallDirection.Inbound, r.Port, r.Proto)
                {
                    Host = r.Group is null ? "any" : null,
                    Groups = r.Group is null ? [] : [r.Group],
                })
                .ToList(),
        };
    }

    /// <summary>
    /// The config input of a control-plane lighthouse process: tun-less, at <paramref name="overlayIp"/> on the cluster's
    /// lighthouse <paramref name="port"/>, knowing the member lighthouses and the blocklist.
    /// </summary>
    public static NebulaConfigInput ForControlPlaneLighthouse(ClusterConfigState cluster, string name, IPAddress overlayIp, int port) => new()
    {
        Node = new NebulaNodeSettings(name, overlayIp)
        {
            IsLighthouse = true,
            TunDisabled = true,
            PinnedListenPort = port,
            TunDevice = TunDeviceName(cluster.ClusterId),
        },
        Lighthouses = MemberLighthouses(cluster),
        BlocklistFingerprints = cluster.BlocklistFingerprints,
    };

    /// <summary>A control-plane instance's lighthouse: its reserved overlay address and its public host on the cluster's port.</summary>
    public static NebulaLighthouse ControlPlaneLighthouse(IPAddress overlayIp, string publicHost, int port) => new(overlayIp, [Endpoint(publicHost, port)]);

    private static List<NebulaLighthouse> MemberLighthouses(ClusterConfigState cluster) =>
        cluster.Members.Where(n => n.IsLighthouse && n.PublicIp is not null)
            .Select(n => new NebulaLighthouse(n.OverlayIp, [Endpoint(n.PublicIp!, n.LighthousePort ?? Validation.DefaultLighthousePort)]))
            .ToList();
}
