using System.Net;
using Microsoft.Data.Sqlite;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Ipam;
using NebulaGC.Server.NebulaConfig;

namespace NebulaGC.Server.Services;

/// <summary>Reads what a cluster's rendered configs are built from, inside the caller's snapshot.</summary>
internal static class ClusterConfigReader
{
    public static ClusterConfigState Read(SqliteConnection c, SqliteTransaction tx, ClusterRow cluster, DateTimeOffset now) => new(
        cluster.ClusterId,
        NodeStore.All(c, tx, cluster.ClusterId)
            .Select(n => new ClusterMember(n.NodeId, n.Name, IPAddress.Parse(n.OverlayIp), n.Mtu, n.IsLighthouse, n.PublicIp, n.LighthousePort, n.IsRelay,
                n.ApprovedRoutes.Select(IPNetwork.Parse).ToList()))
            .ToList(),
        cluster.ProvideLighthouse ? ControlPlaneLighthouses(c, tx, cluster) : [],
        PkiStore.Blocklist(c, tx, cluster.ClusterId, now),
        (cluster.FirewallInbound ?? []).Select(FirewallRule.Parse).ToList());

    /// <summary>The CA certificates nodes trust now, concatenated: during a rotation's overlap the new and the old one.</summary>
    public static string TrustedCasPem(SqliteConnection c, SqliteTransaction tx, Guid clusterId, DateTimeOffset now) =>
        string.Concat(PkiStore.TrustedCas(c, tx, clusterId, now).Select(ca => ca.CertificatePem));

    /// <summary>Every registered instance with a lighthouse slot: its reserved overlay address and its public host on the cluster's port.</summary>
    private static List<NebulaLighthouse> ControlPlaneLighthouses(SqliteConnection c, SqliteTransaction tx, ClusterRow cluster)
    {
        var network = OverlayNetwork.Parse(cluster.OverlayCidr);
        return HaStore.Replicas(c, tx)
            .Where(r => r.LighthouseSlot is not null && Uri.TryCreate(r.Address, UriKind.Absolute, out _))
            .Select(r => NebulaConfigBuilder.ControlPlaneLighthouse(IPAddress.Parse(network.AddressAt(r.LighthouseSlot!.Value)), new Uri(r.Address!).IdnHost, cluster.LighthousePort))
            .ToList();
    }
}
