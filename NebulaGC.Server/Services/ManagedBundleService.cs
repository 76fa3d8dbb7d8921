using System.Collections.Concurrent;
using System.Net;
using Microsoft.Data.Sqlite;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Domain;
using NebulaGC.Server.NebulaConfig;

namespace NebulaGC.Server.Services;

/// <summary>
/// Renders a managed cluster's per-node bundle from cluster state — the node's own certificate, the trusted CAs,
/// lighthouses, relays, other nodes' routes and the blocklist — cached per (node, version) so polling stays cheap.
/// </summary>
public sealed class ManagedBundleService(ServiceContext context)
{
    /// <summary>Bound on cached bundles; the cache is emptied when it fills (a version bump makes old entries useless anyway).</summary>
    private const int MaxCachedBundles = 20_000;

    private readonly ConcurrentDictionary<(Guid Node, long Version), NebulaBundle> _cache = new();

    public BundleForNode Render(SqliteConnection c, SqliteTransaction tx, ClusterRow cluster, Guid nodeId)
    {
        if (_cache.TryGetValue((nodeId, cluster.ConfigVersion), out var cached))
        {
            return new BundleForNode(cluster.ConfigVersion, cached.Content, cached.Sha256);
        }
        var certificate = PkiStore.NodeCertificate(c, tx, cluster.ClusterId, nodeId)
            ?? throw new NodeNotEnrolled();
        var now = context.Time.GetUtcNow();
        var nodes = NodeStore.All(c, tx, cluster.ClusterId);
        var self = nodes.Single(n => n.NodeId == nodeId);
        var input = new NebulaConfigInput
        {
            Node = new NebulaNodeSettings(self.Name, IPAddress.Parse(self.OverlayIp))
            {
                Mtu = self.Mtu,
                IsLighthouse = self.IsLighthouse,
                IsRelay = self.IsRelay,
                PinnedListenPort = self.LighthousePort ?? NebulaNodeSettings.DefaultPinnedPort,
                TunDevice = TunDeviceName(cluster.ClusterId),
            },
            Lighthouses = nodes.Where(n => n.IsLighthouse && n.PublicIp is not null)
                .Select(n => new NebulaLighthouse(IPAddress.Parse(n.OverlayIp), [Endpoint(n.PublicIp!, n.LighthousePort ?? Validation.DefaultLighthousePort)]))
                .ToList(),
            Relays = nodes.Where(n => n.IsRelay && n.NodeId != nodeId).Select(n => IPAddress.Parse(n.OverlayIp)).ToList(),
            UnsafeRoutes = nodes.Where(n => n.NodeId != nodeId)
                .SelectMany(n => n.Routes.Select(route => new NebulaUnsafeRoute(IPNetwork.Parse(route), IPAddress.Parse(n.OverlayIp))))
                .ToList(),
            ControlPlaneLighthouses = cluster.ProvideLighthouse ? ControlPlaneLighthouses(c, tx, cluster) : [],
            BlocklistFingerprints = PkiStore.Blocklist(c, tx, cluster.ClusterId, now),
            ExtraFirewallRules = (cluster.FirewallInbound ?? []).Select(FirewallRule.Parse)
                .Select(r => new NebulaFirewallRule(NebulaFirewallDirection.Inbound, r.Port, r.Proto)
                {
                    Host = r.Group is null ? "any" : null,
                    Groups = r.Group is null ? [] : [r.Group],
                })
                .ToList(),
        };
        var caPem = string.Concat(PkiStore.TrustedCas(c, tx, cluster.ClusterId, now).Select(ca => ca.CertificatePem));
        var bundle = NodeBundleBuilder.Build(input, caPem, certificate.CertificatePem);
        if (_cache.Count >= MaxCachedBundles)
        {
            _cache.Clear();
        }
        _cache[(nodeId, cluster.ConfigVersion)] = bundle;
        return new BundleForNode(cluster.ConfigVersion, bundle.Content, bundle.Sha256);
    }

    /// <summary>Every registered instance with a lighthouse slot: its reserved overlay address and its public host on the cluster's port.</summary>
    public static List<NebulaLighthouse> ControlPlaneLighthouses(SqliteConnection c, SqliteTransaction? tx, ClusterRow cluster)
    {
        var network = Ipam.OverlayNetwork.Parse(cluster.OverlayCidr);
        return HaStore.Replicas(c, tx)
            .Where(r => r.LighthouseSlot is not null && Uri.TryCreate(r.Address, UriKind.Absolute, out _))
            .Select(r => new NebulaLighthouse(IPAddress.Parse(network.AddressAt(r.LighthouseSlot!.Value)), [Endpoint(new Uri(r.Address!).IdnHost, cluster.LighthousePort)]))
            .ToList();
    }

    /// <summary>
    /// A tun name per cluster (<c>ngc</c> + 12 hex digits of the cluster id, 15 characters, the kernel's limit), so a node in
    /// several clusters runs one nebula per cluster without the devices colliding.
    /// </summary>
    public static string TunDeviceName(Guid clusterId) => "ngc" + clusterId.ToString("N")[..12];

    /// <summary><c>host:port</c>, bracketing IPv6 addresses.</summary>
    private static string Endpoint(string host, int port) =>
        IPAddress.TryParse(host, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]:{port}" : $"{host}:{port}";
}
