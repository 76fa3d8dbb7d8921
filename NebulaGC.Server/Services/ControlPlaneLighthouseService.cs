using System.Net;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Ipam;
using NebulaGC.Server.NebulaConfig;
using NebulaGC.Server.Pki;

namespace NebulaGC.Server.Services;

/// <summary>A cluster this instance serves as control-plane lighthouse, at the version its process should run.</summary>
public sealed record LighthouseDuty(Guid ClusterId, long Version);

/// <summary>The files a control-plane lighthouse process runs on: CA bundle, its own certificate and <c>config.yml</c>.</summary>
public sealed record LighthouseFiles(string CaCertificatesPem, string CertificatePem, string ConfigYaml);

/// <summary>
/// What this instance's control-plane lighthouse processes need from cluster state: which clusters to serve, and for each a
/// certificate signed for the instance's own key (never stored) and the config, built like every node's.
/// </summary>
public sealed class ControlPlaneLighthouseService(ServiceContext context, PkiService pki)
{
    /// <summary>The clusters to serve; none while this instance holds no lighthouse slot in the registry.</summary>
    public (IReadOnlyList<LighthouseDuty> Duties, int? Slot) Assignment(string instanceId) => context.Database.Read(c =>
    {
        var slot = HaStore.Replicas(c, null).FirstOrDefault(r => r.InstanceId == instanceId)?.LighthouseSlot;
        IReadOnlyList<LighthouseDuty> duties = slot is null ? [] : ClusterStore.LighthouseClusters(c).Select(x => new LighthouseDuty(x.ClusterId, x.ConfigVersion)).ToList();
        return (duties, slot);
    });

    /// <summary>The files of <paramref name="instanceId"/>'s lighthouse for <paramref name="clusterId"/>, at the address reserved for <paramref name="slot"/>.</summary>
    public LighthouseFiles Render(Guid clusterId, int slot, string instanceId, string publicKeyPem)
    {
        var now = context.Time.GetUtcNow();
        return context.Database.Snapshot((c, tx) =>
        {
            var cluster = ClusterStore.Find(c, tx, clusterId) ?? throw new ClusterNotFound(clusterId);
            var network = OverlayNetwork.Parse(cluster.OverlayCidr);
            var address = IPAddress.Parse(network.AddressAt(slot));
            var name = $"nebulagc-{instanceId}";
            var certificate = pki.SignUnstored(c, tx, clusterId,
                new HostCertificateRequest(name, publicKeyPem, new OverlayAddress(address, network.PrefixLength), CertificateAuthority.DefaultHostLifetime));
            var input = NebulaConfigBuilder.ForControlPlaneLighthouse(ClusterConfigReader.Read(c, tx, cluster, now), name, address, cluster.LighthousePort);
            return new LighthouseFiles(ClusterConfigReader.TrustedCasPem(c, tx, clusterId, now), certificate.ToPem(), NebulaConfigRenderer.Render(input));
        });
    }
}
