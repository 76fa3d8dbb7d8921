using Microsoft.Data.Sqlite;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Pki;
using NebulaGC.Server.Security;

namespace NebulaGC.Server.Services;

/// <summary>
/// Managed PKI: the cluster CA (its key encrypted at rest), host certificates signed for the public keys nodes send,
/// CA rotation with an overlap, and revocation. A node's private key never reaches the server.
/// </summary>
public sealed class PkiService(ServiceContext context)
{
    /// <summary>How long a rotated-out CA stays trusted by default (30 days): time for every daemon to pick up its new certificate.</summary>
    public static readonly TimeSpan DefaultRotationOverlap = TimeSpan.FromDays(30);

    /// <summary>Creates the cluster's first CA inside the cluster-creation transaction.</summary>
    public void CreateCa(SqliteConnection c, SqliteTransaction tx, Guid clusterId, string clusterName, string overlayCidr)
    {
        var ca = CertificateAuthority.Create(
            new CertificateAuthorityRequest($"nebulagc {clusterName}", CertificateAuthority.DefaultCaLifetime) { Ips = [OverlayAddress.Parse(overlayCidr)] },
            context.Time);
        PkiStore.InsertCa(c, tx, clusterId, ca.CertificatePem, ca.Fingerprint, context.CaKeys.Protect(ca.ExportPrivateKey(), clusterId.ToString()),
            ca.Certificate.Details.NotAfter, context.Now());
    }

    /// <summary>
    /// Signs (or re-signs) the node's host certificate for <paramref name="publicKeyPem"/>: its name, overlay address,
    /// groups and a validity bounded by the CA's. A replaced certificate is revoked. The cluster version moves.
    /// </summary>
    public NodeCertificateResponse IssueNodeCertificate(Guid clusterId, Guid nodeId, string? publicKeyPem)
    {
        if (string.IsNullOrWhiteSpace(publicKeyPem))
        {
            throw new InvalidInput("public_key is required: the node's X25519 public key as a 'NEBULA X25519 PUBLIC KEY' PEM");
        }
        var now = context.Now();
        var (row, version) = context.ChangeConfig(clusterId, (c, tx, _) =>
        {
            var cluster = ClusterStore.Find(c, tx, clusterId) ?? throw new ClusterNotFound(clusterId);
            if (cluster.PkiMode != PkiMode.Managed)
            {
                throw new WrongPkiMode("this cluster uses external PKI: its bundle carries the certificates; the server signs nothing");
            }
            var node = NodeStore.Find(c, tx, clusterId, nodeId) ?? throw new NodeNotFound(nodeId);
            var previous = PkiStore.NodeCertificate(c, tx, clusterId, nodeId);
            var issued = Sign(c, tx, cluster, node, publicKeyPem, now);
            if (previous is not null && previous.Fingerprint != issued.Fingerprint)
            {
                PkiStore.Revoke(c, tx, clusterId, previous.Fingerprint, nodeId, now, previous.NotAfter);
            }
            return issued;
        });
        return new NodeCertificateResponse(row.CertificatePem, row.Fingerprint, row.NotAfter, version);
    }

    /// <summary>
    /// Replaces the active CA. The old one stays trusted for <paramref name="overlap"/>; every node certificate is re-signed by
    /// the new CA from the public key the node sent, so nodes move over with their next bundle.
    /// </summary>
    public CaRotated RotateCa(Guid clusterId, TimeSpan? overlap)
    {
        var window = overlap ?? DefaultRotationOverlap;
        if (window < TimeSpan.Zero || window > CertificateAuthority.DefaultHostLifetime)
        {
            throw new InvalidInput($"overlap {window} is out of range: use 0 to {CertificateAuthority.DefaultHostLifetime.TotalDays} days");
        }
        var now = context.Now();
        return context.ChangeConfig(clusterId, (c, tx, version) =>
        {
            var cluster = ClusterStore.Find(c, tx, clusterId) ?? throw new ClusterNotFound(clusterId);
            if (cluster.PkiMode != PkiMode.Managed)
            {
                throw new WrongPkiMode("this cluster uses external PKI: rotate its CA in your own PKI and upload a new bundle");
            }
            var old = PkiStore.ActiveCa(c, tx, clusterId) ?? throw new NoActiveCa(clusterId);
            PkiStore.RetireCa(c, tx, old.CaId, now + window);
            CreateCa(c, tx, clusterId, cluster.Name, cluster.OverlayCidr);
            var resigned = 0;
            foreach (var certificate in PkiStore.NodeCertificates(c, tx, clusterId))
            {
                var node = NodeStore.Find(c, tx, clusterId, certificate.NodeId)!;
                Sign(c, tx, cluster, node, certificate.PublicKeyPem, now);
                resigned++;
            }
            var active = PkiStore.ActiveCa(c, tx, clusterId)!;
            return new CaRotated(clusterId, active.Fingerprint, old.Fingerprint, now + window, resigned, version);
        }).Result;
    }

    /// <summary>
    /// Re-signs an enrolled node's certificate from its stored public key, inside the caller's transaction — after a change
    /// the certificate carries (its advertised routes).
    /// </summary>
    public void ResignIfEnrolled(SqliteConnection c, SqliteTransaction tx, Guid clusterId, Guid nodeId)
    {
        var cluster = ClusterStore.Find(c, tx, clusterId)!;
        if (cluster.PkiMode == PkiMode.Managed && PkiStore.NodeCertificate(c, tx, clusterId, nodeId) is { } current)
        {
            Sign(c, tx, cluster, NodeStore.Find(c, tx, clusterId, nodeId)!, current.PublicKeyPem, context.Now());
        }
    }

    /// <summary>
    /// Signs a certificate the server does not store, with the cluster's active CA, inside the caller's snapshot: a
    /// control-plane lighthouse's own, for a key that lives only on its instance.
    /// </summary>
    public NebulaCertificate SignUnstored(SqliteConnection c, SqliteTransaction tx, Guid clusterId, HostCertificateRequest request)
    {
        var caRow = PkiStore.ActiveCa(c, tx, clusterId) ?? throw new NoActiveCa(clusterId);
        return LoadCa(caRow).SignHostCertificate(request);
    }

    private NodeCertificateRow Sign(SqliteConnection c, SqliteTransaction tx, ClusterRow cluster, NodeRow node, string publicKeyPem, DateTimeOffset now)
    {
        var caRow = PkiStore.ActiveCa(c, tx, cluster.ClusterId) ?? throw new NoActiveCa(cluster.ClusterId);
        var ca = LoadCa(caRow);
        var prefix = OverlayAddress.Parse(cluster.OverlayCidr).PrefixLength;
        NebulaCertificate certificate;
        try
        {
            certificate = ca.SignHostCertificate(new HostCertificateRequest(node.Name, publicKeyPem,
                new OverlayAddress(System.Net.IPAddress.Parse(node.OverlayIp), prefix), CertificateAuthority.DefaultHostLifetime)
            {
                Groups = node.Groups,
                // Peers drop traffic from an unsafe route unless the router's certificate names the subnet; only approved routes are named.
                Subnets = node.ApprovedRoutes.Select(OverlayAddress.Parse).ToList(),
            });
        }
        catch (CertificateRequestException ex)
        {
            throw new InvalidInput(ex.Message);
        }
        var row = new NodeCertificateRow(node.NodeId, cluster.ClusterId, publicKeyPem, certificate.ToPem(), certificate.Fingerprint,
            certificate.Details.NotAfter, now);
        PkiStore.UpsertNodeCertificate(c, tx, row);
        return row;
    }

    private CertificateAuthority LoadCa(ClusterCaRow row)
    {
        try
        {
            return CertificateAuthority.Load(row.CertificatePem, context.CaKeys.Unprotect(row.PrivateKeyBlob, row.ClusterId.ToString()), context.Time);
        }
        catch (AtRestDecryptionException ex)
        {
            throw new CaKeyUnavailable($"the CA key of cluster {row.ClusterId} cannot be decrypted ({ex.Message}): is NEBULAGC_HMAC_SECRET the one the cluster was created with?", ex);
        }
    }
}
