using System.Collections.Concurrent;

namespace NebulaGC.Server.Security;

/// <summary>
/// A token bucket per key (node, cluster): <c>permits</c> per <c>window</c>, refilled continuously, bursts up to
/// <c>permits</c>. Each key costs one bucket (O(1)); buckets that have refilled completely are forgotten by a sweep that runs
/// at most once per window, so idle keys do not accumulate. Time comes from <see cref="TimeProvider"/> so tests can drive it.
/// </summary>
public sealed class KeyedRateLimiter(int permits, TimeSpan window, TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, Bucket> _buckets = new();
    private long _lastSweepTicks = time.GetUtcNow().UtcTicks;

    public int Permits => permits;

    /// <summary>Keys currently held (for tests of the memory bound).</summary>
    public int TrackedKeys => _buckets.Count;

    /// <summary>Takes one permit: null when granted, else how long until one is available.</summary>
    public TimeSpan? TryAcquire(Guid key)
    {
        var now = time.GetUtcNow();
        var lastSweep = Volatile.Read(ref _lastSweepTicks);
        if (now.UtcTicks - lastSweep >= window.Ticks && Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, lastSweep) == lastSweep)
        {
            ForgetFull(now);
        }
        var bucket = _buckets.GetOrAdd(key, _ => new Bucket(permits, now));
        lock (bucket)
        {
            Refill(bucket, now);
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return null;
            }
            var perToken = window / permits;
            return perToken * (1 - bucket.Tokens);
        }
    }

    private void Refill(Bucket bucket, DateTimeOffset now)
    {
        var elapsed = now - bucket.UpdatedAt;
        if (elapsed > TimeSpan.Zero)
        {
            bucket.Tokens = Math.Min(permits, bucket.Tokens + elapsed / window * permits);
            bucket.UpdatedAt = now;
        }
    }

    private void ForgetFull(DateTimeOffset now)
    {
        foreach (var (key, bucket) in _buckets)
        {
            lock (bucket)
            {
                Refill(bucket, now);
                if (bucket.Tokens >= permits)
                {
                    _buckets.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed class Bucket(double tokens, DateTimeOffset updatedAt)
    {
        public double Tokens { get; set; } = tokens;

        public DateTimeOffset UpdatedAt { get; set; } = updatedAt;
    }
}
