using NebulaGC.Server.Domain;
using System.Net;
using NebulaGC.Client.Pki;
using NebulaGC.Client.Platform;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Data;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Ipam;
using NebulaGC.Server.NebulaConfig;
using NebulaGC.Server.Pki;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Lighthouse;

/// <summary>
/// For every cluster with <c>provide_lighthouse</c>, this instance (master or replica) runs one tun-less <c>nebula</c>
/// lighthouse at its reserved overlay address, with a certificate it signs itself from the cluster CA — nothing is written
/// to the database. A process is restarted on the new config when the cluster's version moves.
/// </summary>
public sealed class ControlPlaneLighthouses(ServerOptions options, ServiceContext context, RoleState role, ILogger<ControlPlaneLighthouses> logger)
    : BackgroundService
{
    private readonly Dictionary<Guid, Running> _running = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    private sealed record Running(long Version, LighthouseProcess Process);

    private string Root => options.LighthouseDirectory ?? Path.Combine(Path.GetDirectoryName(context.Database.Path)!, "lighthouse");

    /// <summary>The supervised process of a cluster's lighthouse on this instance, if one runs.</summary>
    public LighthouseProcess? ProcessFor(Guid clusterId) => _running.TryGetValue(clusterId, out var running) ? running.Process : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.LighthouseReconcileInterval, context.Time);
        do
        {
            try
            {
                await ReconcileAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Reconciling control-plane lighthouses failed; retrying in {Interval}", options.LighthouseReconcileInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Starts, restarts and stops lighthouse processes to match cluster state (also called directly by tests).</summary>
    public async Task ReconcileAsync()
    {
        await _gate.WaitAsync();
        try
        {
            var (clusters, slot) = context.Database.Read(c => (ClusterStore.LighthouseClusters(c),
                HaStore.Replicas(c, null).FirstOrDefault(r => r.InstanceId == role.InstanceId)?.LighthouseSlot));
            var wanted = slot is null ? [] : clusters;
            foreach (var gone in _running.Keys.Except(wanted.Select(c => c.ClusterId)).ToList())
            {
                await _running[gone].Process.DisposeAsync();
                _running.Remove(gone);
                logger.LogInformation("Lighthouse for cluster {ClusterId} stopped", gone);
            }
            foreach (var cluster in wanted)
            {
                if (_running.TryGetValue(cluster.ClusterId, out var running) && running.Version == cluster.ConfigVersion)
                {
                    continue;
                }
                if (running is not null)
                {
                    await running.Process.DisposeAsync();
                }
                var directory = Prepare(cluster, slot!.Value);
                var process = new LighthouseProcess(options.NebulaBinary, directory, cluster.ClusterId.ToString(), context.Time, logger);
                process.Start();
                _running[cluster.ClusterId] = new Running(cluster.ConfigVersion, process);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes the lighthouse's key (once), certificate, CA bundle and config for the cluster's current state.</summary>
    private string Prepare(ClusterRow cluster, int slot)
    {
        var directory = Path.Combine(Root, cluster.ClusterId.ToString());
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var keyPath = Path.Combine(directory, "host.key");
        var key = File.Exists(keyPath) ? X25519KeyPair.FromPrivateKeyPem(File.ReadAllText(keyPath)) : X25519KeyPair.Generate();
        if (!File.Exists(keyPath))
        {
            AtomicFile.WriteAllText(keyPath, key.PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var network = OverlayNetwork.Parse(cluster.OverlayCidr);
        var address = IPAddress.Parse(network.AddressAt(slot));
        var now = context.Time.GetUtcNow();
        var (caPem, caRow, blocklist, lighthouses) = context.Database.Read(c =>
        (
            string.Concat(PkiStore.TrustedCas(c, null, cluster.ClusterId, now).Select(ca => ca.CertificatePem)),
            PkiStore.ActiveCa(c, null, cluster.ClusterId) ?? throw new InvalidOperationException($"cluster {cluster.ClusterId} has no active CA"),
            PkiStore.Blocklist(c, null, cluster.ClusterId, now),
            NodeStore.All(c, null, cluster.ClusterId).Where(n => n.IsLighthouse && n.PublicIp is not null).ToList()
        ));
        var ca = CertificateAuthority.Load(caRow.CertificatePem, context.CaKeys.Unprotect(caRow.PrivateKeyBlob, cluster.ClusterId.ToString()), context.Time);
        var name = $"nebulagc-{role.InstanceId}";
        var certificate = ca.SignHostCertificate(new HostCertificateRequest(name, key.PublicKeyPem(), new OverlayAddress(address, network.PrefixLength),
            CertificateAuthority.DefaultHostLifetime));
        var config = NebulaConfigRenderer.Render(new NebulaConfigInput
        {
            Node = new NebulaNodeSettings(name, address)
            {
                IsLighthouse = true,
                TunDisabled = true,
                PinnedListenPort = cluster.LighthousePort,
                TunDevice = ManagedBundleService.TunDeviceName(cluster.ClusterId),
            },
            Lighthouses = lighthouses.Select(n => new NebulaLighthouse(IPAddress.Parse(n.OverlayIp), [$"{n.PublicIp}:{n.LighthousePort ?? Domain.Validation.DefaultLighthousePort}"])).ToList(),
            BlocklistFingerprints = blocklist,
        });
        AtomicFile.WriteAllText(Path.Combine(directory, "ca.crt"), caPem, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        AtomicFile.WriteAllText(Path.Combine(directory, "host.crt"), certificate.ToPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        AtomicFile.WriteAllText(Path.Combine(directory, "config.yml"), config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return directory;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            foreach (var running in _running.Values)
            {
                await running.Process.DisposeAsync();
            }
            _running.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }
}
