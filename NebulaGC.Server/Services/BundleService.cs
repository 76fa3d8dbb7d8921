using System.Security.Cryptography;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Bundles;
using NebulaGC.Server.Data;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Services;

/// <summary>What a node downloads: nothing new (its version is current) or the bundle with its version and hash.</summary>
public sealed record BundleForNode(long Version, byte[]? Data, string? Sha256)
{
    public bool NotModified => Data is null;
}

/// <summary>External-PKI bundles: validated uploads stored encrypted by version, served verbatim to every node of the cluster.</summary>
public sealed class BundleService(ServiceContext context, ManagedBundleService managed, ReadModel model)
{
    public BundleUploadResponse Upload(Guid clusterId, Guid uploaderNodeId, byte[] bundle)
    {
        BundleValidator.Validate(bundle);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bundle));
        var now = context.Now();
        var (_, version) = context.ChangeConfig(clusterId, (c, tx, next) =>
        {
            var cluster = ClusterStore.Find(c, tx, clusterId) ?? throw new ClusterNotFound(clusterId);
            if (cluster.PkiMode != PkiMode.External)
            {
                throw new WrongPkiMode("this cluster uses managed PKI: the server renders each node's bundle, uploads are for external-PKI clusters");
            }
            BundleStore.Insert(c, tx, new BundleRow(clusterId, next, bundle, sha256, now), uploaderNodeId, context.Bundles);
            return true;
        });
        return new BundleUploadResponse(version, now);
    }

    /// <summary>
    /// Encrypts uploads an earlier version stored in plaintext (a master does it at start-up), then checkpoints the WAL so
    /// the file holds no plaintext copy; returns how many were encrypted. Bundle rows do not render configs: no version moves.
    /// </summary>
    public int EncryptStoredBundles()
    {
        // Read first: a start-up with nothing to convert must not write (a write moves the data position replicas compare).
        if (context.Database.Read(BundleStore.CountPlaintext) == 0)
        {
            return 0;
        }
        var encrypted = context.Database.Write((c, tx) => BundleStore.EncryptPlaintext(c, tx, context.Bundles));
        if (encrypted > 0)
        {
            using var connection = context.Database.Open();
            connection.Execute("PRAGMA wal_checkpoint(TRUNCATE);");
        }
        return encrypted;
    }

    /// <summary>
    /// The node's bundle unless <paramref name="currentVersion"/> already is the cluster's version: rendered for this node in a
    /// managed cluster, the latest upload in an external one. "Not modified" and external bundles come from memory.
    /// </summary>
    public BundleForNode Download(Guid clusterId, Guid nodeId, long? currentVersion)
    {
        var known = model.Cluster(clusterId) ?? throw new ClusterNotFound(clusterId);
        if (currentVersion == known.ConfigVersion)
        {
            return new BundleForNode(known.ConfigVersion, null, null);
        }
        if (known.PkiMode == PkiMode.External && model.Bundle(clusterId, known.ConfigVersion) is { } uploaded)
        {
            return new BundleForNode(known.ConfigVersion, uploaded.Data, uploaded.Sha256);
        }
        return Read(clusterId, nodeId, currentVersion);
    }

    /// <summary>The slow path, on one consistent snapshot: a managed bundle to render, or an upload not yet in memory.</summary>
    private BundleForNode Read(Guid clusterId, Guid nodeId, long? currentVersion) => context.Database.Snapshot((c, tx) =>
    {
        var cluster = ClusterStore.Find(c, tx, clusterId) ?? throw new ClusterNotFound(clusterId);
        if (currentVersion == cluster.ConfigVersion)
        {
            return new BundleForNode(cluster.ConfigVersion, null, null);
        }
        if (cluster.PkiMode == PkiMode.Managed)
        {
            return managed.Render(c, tx, cluster, nodeId);
        }
        var bundle = BundleStore.Latest(c, tx, clusterId, context.Bundles) ?? throw new NoBundleUploaded();
        return new BundleForNode(cluster.ConfigVersion, bundle.Data, bundle.Sha256);
    });
}
