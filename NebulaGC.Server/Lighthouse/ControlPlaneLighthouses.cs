using NebulaGC.Client.Pki;
using NebulaGC.Client.Platform;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Lighthouse;

/// <summary>
/// For every cluster with <c>provide_lighthouse</c>, this instance (master or replica) runs one tun-less <c>nebula</c>
/// lighthouse at its reserved overlay address, with a certificate it signs itself from the cluster CA — nothing is written
/// to the database. A process is restarted on the new config when the cluster's version moves.
/// </summary>
public sealed class ControlPlaneLighthouses(
    ServerOptions options, ControlPlaneLighthouseService lighthouses, RoleState role, TimeProvider time, ILogger<ControlPlaneLighthouses> logger)
    : BackgroundService
{
    private readonly Dictionary<Guid, Running> _running = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    private sealed record Running(long Version, LighthouseProcess Process);

    private string Root => options.LighthouseDirectory ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.DbPath))!, "lighthouse");

    /// <summary>The supervised process of a cluster's lighthouse on this instance, if one runs.</summary>
    public LighthouseProcess? ProcessFor(Guid clusterId) => _running.TryGetValue(clusterId, out var running) ? running.Process : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.LighthouseReconcileInterval, time);
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
            var (duties, slot) = lighthouses.Assignment(role.InstanceId);
            foreach (var gone in _running.Keys.Except(duties.Select(d => d.ClusterId)).ToList())
            {
                await _running[gone].Process.DisposeAsync();
                _running.Remove(gone);
                logger.LogInformation("Lighthouse for cluster {ClusterId} stopped", gone);
            }
            foreach (var duty in duties)
            {
                if (_running.TryGetValue(duty.ClusterId, out var running) && running.Version == duty.Version)
                {
                    continue;
                }
                if (running is not null)
                {
                    await running.Process.DisposeAsync();
                }
                var directory = Prepare(duty.ClusterId, slot!.Value);
                var process = new LighthouseProcess(options.NebulaBinary, directory, duty.ClusterId.ToString(), time, logger);
                process.Start();
                _running[duty.ClusterId] = new Running(duty.Version, process);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes the lighthouse's key (once), certificate, CA bundle and config for the cluster's current state.</summary>
    private string Prepare(Guid clusterId, int slot)
    {
        var directory = Path.Combine(Root, clusterId.ToString());
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var keyPath = Path.Combine(directory, "host.key");
        var key = File.Exists(keyPath) ? X25519KeyPair.FromPrivateKeyPem(File.ReadAllText(keyPath)) : X25519KeyPair.Generate();
        if (!File.Exists(keyPath))
        {
            AtomicFile.WriteAllText(keyPath, key.PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var files = lighthouses.Render(clusterId, slot, role.InstanceId, key.PublicKeyPem());
        AtomicFile.WriteAllText(Path.Combine(directory, "ca.crt"), files.CaCertificatesPem, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        AtomicFile.WriteAllText(Path.Combine(directory, "host.crt"), files.CertificatePem, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        AtomicFile.WriteAllText(Path.Combine(directory, "config.yml"), files.ConfigYaml, UnixFileMode.UserRead | UnixFileMode.UserWrite);
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
