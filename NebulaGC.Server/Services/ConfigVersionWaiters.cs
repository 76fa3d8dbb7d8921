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

    public ConfigVersionWaiters(ConfigVersionFeed feed) => feed.Changed += Wake;

    /// <summary>Clusters that have at least one waiting request.</summary>
    public IReadOnlyCollection<Guid> WaitedClusters => _signals.Where(s => Volatile.Read(ref s.Value.Waiters) > 0).Select(s => s.Key).ToList();

    /// <summary>How many requests wait on <paramref name="clusterId"/> now.</summary>
    public int CountWaiting(Guid clusterId) => _signals.TryGetValue(clusterId, out var signal) ? Volatile.Read(ref signal.Waiters) : 0;

    /// <summary>
    /// Starts listening for the cluster's next wake-up. Subscribe first and read the version after: a change committed in
    /// between then still completes the subscription, so it cannot slip past the waiter.
    /// </summary>
    public Subscription Subscribe(Guid clusterId)
    {
        var signal = _signals.GetOrAdd(clusterId, _ => new Signal());
        Interlocked.Increment(ref signal.Waiters);
        return new Subscription(signal);
    }

    /// <summary>Wakes the cluster's waiters with the version it moved to, so a thousand of them need no database read.</summary>
    public void Wake(Guid clusterId, long version)
    {
        if (_signals.TryGetValue(clusterId, out var signal))
        {
            var fired = Interlocked.Exchange(ref signal.Current, NewSource());
            fired.TrySetResult(version);
        }
    }

    private static TaskCompletionSource<long> NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// One listener: <see cref="Woken"/> completes with the version of the next wake-up; disposing it stops counting it as a
    /// waiter. A struct holding only the signal: ten thousand parked long-polls each hold one, so it costs no allocation.
    /// </summary>
    public readonly struct Subscription : IDisposable
    {
        private readonly Signal _signal;

        internal Subscription(Signal signal)
        {
            _signal = signal;
            Woken = Volatile.Read(ref signal.Current).Task;
        }

        /// <summary>Completes with the version the cluster moved to at its next wake-up.</summary>
        public Task<long> Woken { get; }

        public void Dispose() => Interlocked.Decrement(ref _signal.Waiters);
    }

    internal sealed class Signal
    {
        public TaskCompletionSource<long> Current = NewSource();
        public int Waiters;
    }
}
