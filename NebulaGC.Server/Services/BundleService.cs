using System.Security.Cryptography;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Bundles;
using NebulaGC.Server.Data;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Services;

/// <summary>What a node downloads: nothing new (its version is current) or the bundle with its version and hash.</summary>
public sealed record BundleDownload(long Version, byte[]? Data, string? Sha256)
{
    public bool NotModified => Data is null;
}

/// <summary>External-PKI bundles: validated uploads stored by version, served verbatim to every node of the cluster.</summary>
public sealed class BundleService(ServiceContext context, ManagedBundleService managed, ReadModel model)
{
    public BundleUploadResponse Upload(Guid clusterId, Guid uploaderNodeId, byte[] bundle)
    {
        BundleValidator.Validate(bundle);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bundle));
        var now = context.Now();
        var version = context.Database.Write((c, tx) =>
        {
            var cluster = ClusterStore.Find(c, tx, clusterId) ?? throw new NotFound($"cluster {clusterId} does not exist");
            if (cluster.PkiMode != ClusterService.ExternalPki)
            {
                throw new Conflict("this cluster uses managed PKI: the server renders each node's bundle, uploads are for external-PKI clusters");
            }
            var next = ClusterStore.BumpVersion(c, tx, clusterId);
            BundleStore.Insert(c, tx, new BundleRow(clusterId, next, bundle, sha256, now), uploaderNodeId);
            return next;
        });
        context.Versions.Publish(clusterId, version);
        return new BundleUploadResponse(version, now);
    }

    /// <summary>The cluster's config version, from memory (see <see cref="ReadModel"/>).</summary>
    public long Version(Guid clusterId) => (model.Cluster(clusterId) ?? throw new NotFound($"cluster {clusterId} does not exist")).ConfigVersion;

    /// <summary>
    /// The node's bundle unless <paramref name="currentVersion"/> already is the cluster's version: rendered for this node in a
    /// managed cluster, the latest upload in an external one. "Not modified" and external bundles come from memory.
    /// </summary>
    public BundleDownload Download(Guid clusterId, Guid nodeId, long? currentVersion)
    {
        var known = model.Cluster(clusterId) ?? throw new NotFound($"cluster {clusterId} does not exist");
        if (currentVersion == known.ConfigVersion)
        {
            return new BundleDownload(known.ConfigVersion, null, null);
        }
        if (known.PkiMode != ClusterService.ManagedPki && model.Bundle(clusterId, known.ConfigVersion) is { } uploaded)
        {
            return new BundleDownload(known.ConfigVersion, uploaded.Data, uploaded.Sha256);
        }
        return Render(clusterId, nodeId, currentVersion);
    }

    /// <summary>The slow path, on one consistent snapshot: a managed bundle to render, or an upload not yet in memory.</summary>
    private BundleDownload Render(Guid clusterId, Guid nodeId, long? currentVersion) => context.Database.Snapshot((c, tx) =>
    {
        var cluster = ClusterStore.Find(c, tx, clusterId) ?? throw new NotFound($"cluster {clusterId} does not exist");
        if (currentVersion == cluster.ConfigVersion)
        {
            return new BundleDownload(cluster.ConfigVersion, null, null);
        }
        if (cluster.PkiMode == ClusterService.ManagedPki)
        {
            return managed.Render(c, tx, cluster, nodeId);
        }
        var bundle = BundleStore.Latest(c, tx, clusterId) ?? throw new NotFound("no bundle has been uploaded to this cluster yet");
        return new BundleDownload(cluster.ConfigVersion, bundle.Data, bundle.Sha256);
    });
}
