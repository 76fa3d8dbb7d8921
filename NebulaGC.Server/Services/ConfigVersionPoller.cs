using NebulaGC.Server.Data;

namespace NebulaGC.Server.Services;

/// <summary>
/// While requests are waiting, re-reads the waited clusters' versions every <see cref="Interval"/> and wakes the ones that
/// moved: the path by which a replica (or a master whose database the CLI changed) notices changes it did not make.
/// </summary>
public sealed class ConfigVersionPoller(ReadModel model, ConfigVersionWaiters waiters, TimeProvider time, ILogger<ConfigVersionPoller> logger) : BackgroundService
{
    /// <summary>How often waited clusters are re-read (0.5 s): the worst-case wake-up delay for changes made elsewhere.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<Guid, long> _lastSeen = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var clusters = waiters.WaitedClusters;
            if (clusters.Count == 0)
            {
                _lastSeen.Clear();
                continue;
            }
            try
            {
                // From memory: the read model re-reads only when the file changed (Database.CurrentCommit).
                var versions = clusters.ToDictionary(id => id, id => model.Cluster(id)?.ConfigVersion ?? 0);
                foreach (var (clusterId, version) in versions)
                {
                    // A cluster seen for the first time is woken too: its waiters re-check and wait again if nothing moved.
                    if (!_lastSeen.TryGetValue(clusterId, out var seen) || seen != version)
                    {
                        waiters.Wake(clusterId, version);
                    }
                    _lastSeen[clusterId] = version;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Reading config versions for waiting long-polls failed; retrying in {Interval}", Interval);
            }
        }
    }
}
