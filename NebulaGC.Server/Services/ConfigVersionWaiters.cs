using System.Collections.Concurrent;

namespace NebulaGC.Server.Services;

/// <summary>
/// Long-poll support: requests wait on a per-cluster signal (no thread is held while waiting) that fires when the
/// cluster's version moves — at once for changes made in this process, and through <see cref="ConfigVersionPoller"/>
/// for changes made by another process (the master, seen from a replica; the CLI on the database file).
/// </summary>
public sealed class ConfigVersionWaiters
{
    private readonly ConcurrentDictionary<Guid, Signal> _signals = new();

    public ConfigVersionWaiters(ConfigVersionFeed feed) => feed.Changed += (clusterId, _) => Wake(clusterId);

    /// <summary>Clusters that have at least one waiting request.</summary>
    public IReadOnlyCollection<Guid> WaitedClusters => _signals.Where(s => s.Value.Waiters > 0).Select(s => s.Key).ToList();

    /// <summary>How many requests wait on <paramref name="clusterId"/> now.</summary>
    public int CountWaiting(Guid clusterId) => _signals.TryGetValue(clusterId, out var signal) ? Volatile.Read(ref signal.Waiters) : 0;

    /// <summary>Completes when <paramref name="clusterId"/> is next woken, or when <paramref name="timeout"/> passes.</summary>
    public async Task WaitAsync(Guid clusterId, TimeSpan timeout, TimeProvider time, CancellationToken cancellation)
    {
        var signal = _signals.GetOrAdd(clusterId, _ => new Signal());
        Interlocked.Increment(ref signal.Waiters);
        try
        {
            await signal.Current.Task.WaitAsync(timeout, time, cancellation);
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref signal.Waiters);
        }
    }

    public void Wake(Guid clusterId)
    {
        if (_signals.TryGetValue(clusterId, out var signal))
        {
            var fired = Interlocked.Exchange(ref signal.Current, NewSource());
            fired.TrySetResult();
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Signal
    {
        public TaskCompletionSource Current = NewSource();
        public int Waiters;
    }
}
