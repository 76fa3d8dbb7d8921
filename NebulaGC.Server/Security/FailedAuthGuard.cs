using System.Collections.Concurrent;
using NebulaGC.Server.Configuration;

namespace NebulaGC.Server.Security;

/// <summary>
/// Failed-authentication limits (SPEC §3), counted per source address and per claimed node id and cluster id: a spread of
/// addresses guessing one node's or cluster's tokens is stopped by the node and cluster limits, and one abusive client
/// behind a shared address does not lock out the honest nodes behind it — a node that authenticated from an address in
/// the last hour (<see cref="KnownPairLifetime"/>) passes that address's limits until a failure names it from there.
/// Over a per-minute limit → 429 until the minute ends (<c>Retry-After</c> ≤ 60 s); over a ten-minute limit → blocked for
/// <see cref="RateLimitOptions.FailedAuthBlock"/>.
/// </summary>
public sealed class FailedAuthGuard(RateLimitOptions limits, TimeProvider time)
{
    public static readonly TimeSpan ShortWindow = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LongWindow = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan KnownPairLifetime = TimeSpan.FromHours(1);

    private readonly FailureCounters<string> _byAddress = new(limits.FailedAuthPerIpPerMinute, limits.FailedAuthPerIpPerTenMinutes, limits.FailedAuthBlock, time);
    private readonly FailureCounters<Guid> _byNode = new(limits.FailedAuthPerNodePerMinute, limits.FailedAuthPerNodePerMinute * 5, limits.FailedAuthBlock, time);
    private readonly FailureCounters<Guid> _byCluster = new(limits.FailedAuthPerClusterPerMinute, limits.FailedAuthPerClusterPerMinute * 5, limits.FailedAuthBlock, time);
    private readonly IdleExpiringSet<(string Address, Guid NodeId)> _knownPairs = new(KnownPairLifetime, time);
    private readonly Lock _sweepGate = new();
    private long _lastSweepTicks = time.GetUtcNow().UtcTicks;

    /// <summary>How long this attempt must wait, or null when it may be checked now. Ids are the ones claimed (null when malformed).</summary>
    public TimeSpan? RetryAfter(string address, Guid? nodeId, Guid? clusterId)
    {
        if (nodeId is { } node && _knownPairs.Contains((address, node)))
        {
            return null;
        }
        return _byAddress.RetryAfter(address)
            ?? (nodeId is { } n ? _byNode.RetryAfter(n) : null)
            ?? (clusterId is { } c ? _byCluster.RetryAfter(c) : null);
    }

    public void RecordFailure(string address, Guid? nodeId, Guid? clusterId)
    {
        SweepIfDue();
        _byAddress.Record(address);
        if (nodeId is { } node)
        {
            // A failure naming a node from an address ends that pair's pass: guesses at a known node are limited like any other.
            _knownPairs.Remove((address, node));
            _byNode.Record(node);
        }
        if (clusterId is { } cluster)
        {
            _byCluster.Record(cluster);
        }
    }

    public void RecordSuccess(string address, Guid nodeId)
    {
        SweepIfDue();
        _knownPairs.Touch((address, nodeId));
    }

    /// <summary>Keys currently held (for tests of the memory bound).</summary>
    public int TrackedKeys => _byAddress.Count + _byNode.Count + _byCluster.Count + _knownPairs.Count;

    /// <summary>Forgets idle keys at most once a minute, on any authentication, so memory follows the active keys.</summary>
    private void SweepIfDue()
    {
        var now = time.GetUtcNow();
        // Every authentication asks: answer "not due" without taking the lock.
        if (now.UtcTicks - Volatile.Read(ref _lastSweepTicks) < ShortWindow.Ticks)
        {
            return;
        }
        lock (_sweepGate)
        {
            if (now.UtcTicks - _lastSweepTicks < ShortWindow.Ticks)
            {
                return;
            }
            Volatile.Write(ref _lastSweepTicks, now.UtcTicks);
        }
        _byAddress.Sweep(now);
        _byNode.Sweep(now);
        _byCluster.Sweep(now);
        _knownPairs.Sweep(now);
    }
}

/// <summary>
/// Failure counts per key in two fixed windows (a minute and ten minutes): O(1) memory per key; a key whose windows have
/// passed without a block is forgotten by <see cref="Sweep"/>.
/// </summary>
internal sealed class FailureCounters<TKey>(int perMinute, int perTenMinutes, TimeSpan block, TimeProvider time) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();

    public int Count => _entries.Count;

    public TimeSpan? RetryAfter(TKey key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }
        var now = time.GetUtcNow();
        lock (entry)
        {
            if (entry.BlockedUntil > now)
            {
                return entry.BlockedUntil - now;
            }
            entry.Roll(now);
            return entry.MinuteCount >= perMinute ? entry.MinuteStart + FailedAuthGuard.ShortWindow - now : null;
        }
    }

    public void Record(TKey key)
    {
        var now = time.GetUtcNow();
        var entry = _entries.GetOrAdd(key, _ => new Entry(now));
        lock (entry)
        {
            entry.Roll(now);
            entry.MinuteCount++;
            entry.TenMinuteCount++;
            if (entry.TenMinuteCount >= perTenMinutes)
            {
                entry.BlockedUntil = now + block;
            }
        }
    }

    /// <summary>Forgets keys that are not blocked and whose ten-minute window has passed.</summary>
    public void Sweep(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            lock (entry)
            {
                if (entry.BlockedUntil <= now && now - entry.TenMinuteStart >= FailedAuthGuard.LongWindow)
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed class Entry(DateTimeOffset now)
    {
        public DateTimeOffset MinuteStart { get; private set; } = now;

        public int MinuteCount { get; set; }

        public DateTimeOffset TenMinuteStart { get; private set; } = now;

        public int TenMinuteCount { get; set; }

        public DateTimeOffset BlockedUntil { get; set; } = DateTimeOffset.MinValue;

        public void Roll(DateTimeOffset now)
        {
            if (now - MinuteStart >= FailedAuthGuard.ShortWindow)
            {
                MinuteStart = now;
                MinuteCount = 0;
            }
            if (now - TenMinuteStart >= FailedAuthGuard.LongWindow)
            {
                TenMinuteStart = now;
                TenMinuteCount = 0;
            }
        }
    }
}

/// <summary>
/// Keys remembered until <c>lifetime</c> after they were last touched (to within <see cref="TouchGranularity"/>);
/// <see cref="Sweep"/> forgets expired ones.
/// </summary>
internal sealed class IdleExpiringSet<TKey>(TimeSpan lifetime, TimeProvider time) where TKey : notnull
{
    /// <summary>A touch within this long of the last one changes nothing: every successful request touches its key, and a write costs an allocation.</summary>
    public static readonly TimeSpan TouchGranularity = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<TKey, DateTimeOffset> _touched = new();

    public int Count => _touched.Count;

    public bool Contains(TKey key) => _touched.TryGetValue(key, out var at) && time.GetUtcNow() - at < lifetime;

    public void Touch(TKey key)
    {
        var now = time.GetUtcNow();
        if (!_touched.TryGetValue(key, out var at) || now - at >= TouchGranularity)
        {
            _touched[key] = now;
        }
    }

    public void Sweep(DateTimeOffset now)
    {
        foreach (var (key, at) in _touched)
        {
            if (now - at >= lifetime)
            {
                _touched.TryRemove(key, out _);
            }
        }
    }

    public void Remove(TKey key) => _touched.TryRemove(key, out _);
}
