using System.Collections.Concurrent;

namespace NebulaGC.Server.Security;

/// <summary>
/// Failed-authentication limits per client IP: more than <see cref="PerMinute"/> failures in a minute → 429 with
/// <c>Retry-After: 60</c>; <see cref="PerTenMinutes"/> failures in ten minutes → blocked for an hour.
/// </summary>
public sealed class FailedAuthGuard(TimeProvider time)
{
    public const int PerMinute = 10;
    public const int PerTenMinutes = 50;
    public static readonly TimeSpan ShortWindow = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LongWindow = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan BlockDuration = TimeSpan.FromHours(1);

    /// <summary>Bounds memory under a spray of addresses: the oldest records are dropped first.</summary>
    private const int MaxTrackedAddresses = 100_000;

    private readonly ConcurrentDictionary<string, Record> _records = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="ip"/> must wait before trying again, or null when it may try now.</summary>
    public TimeSpan? RetryAfter(string ip)
    {
        if (!_records.TryGetValue(ip, out var record))
        {
            return null;
        }
        var now = time.GetUtcNow();
        lock (record)
        {
            if (record.BlockedUntil is { } until && until > now)
            {
                return until - now;
            }
            record.Prune(now);
            return record.Failures.Count >= PerMinute && record.CountSince(now - ShortWindow) >= PerMinute ? ShortWindow : null;
        }
    }

    public void RecordFailure(string ip)
    {
        var now = time.GetUtcNow();
        if (_records.Count >= MaxTrackedAddresses)
        {
            Evict(now);
        }
        var record = _records.GetOrAdd(ip, _ => new Record());
        lock (record)
        {
            record.Prune(now);
            record.Failures.Enqueue(now);
            if (record.Failures.Count >= PerTenMinutes)
            {
                record.BlockedUntil = now + BlockDuration;
            }
        }
    }

    private void Evict(DateTimeOffset now)
    {
        foreach (var (ip, record) in _records)
        {
            lock (record)
            {
                record.Prune(now);
                if (record.Failures.Count == 0 && (record.BlockedUntil is null || record.BlockedUntil <= now))
                {
                    _records.TryRemove(ip, out _);
                }
            }
        }
    }

    private sealed class Record
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public DateTimeOffset? BlockedUntil { get; set; }

        public void Prune(DateTimeOffset now)
        {
            while (Failures.Count > 0 && Failures.Peek() <= now - LongWindow)
            {
                Failures.Dequeue();
            }
        }

        public int CountSince(DateTimeOffset since) => Failures.Count(f => f > since);
    }
}
