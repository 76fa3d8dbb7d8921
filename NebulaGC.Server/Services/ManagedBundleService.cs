using System.Collections.Concurrent;
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
        var certificate = PkiStore.NodeCertificate(c, tx, cluster.ClusterId, nodeId) ?? throw new NodeNotEnrolled();
        var now = context.Time.GetUtcNow();
        var input = NebulaConfigBuilder.ForMember(ClusterConfigReader.Read(c, tx, cluster, now), nodeId);
        var bundle = NodeBundleBuilder.Build(input, ClusterConfigReader.TrustedCasPem(c, tx, cluster.ClusterId, now), certificate.CertificatePem);
        if (_cache.Count >= MaxCachedBundles)
        {
            _cache.Clear();
        }
        _cache[(nodeId, cluster.ConfigVersion)] = bundle;
        return new BundleForNode(cluster.ConfigVersion, bundle.Content, bundle.Sha256);
    }
}
