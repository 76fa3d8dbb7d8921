using NebulaGC.Server.Data;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Services;

/// <summary>Reads a cluster's config version and waits for it to move (the long-poll behind <c>GET /v1/config/version</c>).</summary>
public sealed class ConfigVersions(ReadModel model, ConfigVersionWaiters waiters, TimeProvider time)
{
    /// <summary>The cluster's config version, from memory (see <see cref="ReadModel"/>).</summary>
    public long Current(Guid clusterId) => (model.Cluster(clusterId) ?? throw new ClusterNotFound(clusterId)).ConfigVersion;

    /// <summary>
    /// The cluster's version as soon as it differs from <paramref name="knownVersion"/>, or its version when
    /// <paramref name="wait"/> has passed (at once for a zero wait or an unknown version). No thread is held while waiting.
    /// </summary>
    public async Task<long> WaitForChangeAsync(Guid clusterId, long? knownVersion, TimeSpan wait, CancellationToken cancellation)
    {
        if (wait <= TimeSpan.Zero)
        {
            // A plain read (most requests): nothing to subscribe to.
            return Current(clusterId);
        }
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            // Subscribe before reading: a change committed in between still wakes this waiter.
            using var subscription = waiters.Subscribe(clusterId);
            var version = Current(clusterId);
            var remaining = deadline - time.GetUtcNow();
            if (version != knownVersion || remaining <= TimeSpan.Zero)
            {
                return version;
            }
            long moved;
            try
            {
                moved = await subscription.Woken.WaitAsync(remaining, time, cancellation);
            }
            catch (TimeoutException)
            {
                return Current(clusterId);
            }
            if (moved != knownVersion)
            {
                return moved;
            }
        }
    }
}
