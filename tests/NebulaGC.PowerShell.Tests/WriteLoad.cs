using System.Diagnostics;
using System.Net.Http.Json;
using NebulaGC.Client.Contracts;

namespace NebulaGC.PowerShell.Tests;

/// <summary>
/// A load generator with its own log: creates one tenant per write (<c>load-N</c>) through an admin socket at a steady
/// rate, and records the moment each write was acknowledged. On a failure it moves on to the next socket the test
/// offers (the new master after a failover) and keeps going until stopped.
/// </summary>
public sealed class WriteLoad : IDisposable
{
    private readonly Func<IReadOnlyList<string>> _sockets;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Ack> _acks = [];
    private readonly List<Thread> _threads;
    private int _failures;

    /// <param name="writers">Concurrent writers sharing the rate: one commit waits for its fsync, so one writer alone is bounded by the disk.</param>
    public WriteLoad(Func<IReadOnlyList<string>> sockets, double writesPerSecond, int writers = 4)
    {
        _sockets = sockets;
        _interval = TimeSpan.FromSeconds(writers / writesPerSecond);
        _threads = Enumerable.Range(0, writers).Select(w => new Thread(() => Loop(w)) { IsBackground = true, Name = $"write-load-{w}" }).ToList();
        _threads.ForEach(t => t.Start());
    }

    /// <summary>One acknowledged write: the tenant name, which socket took it and when (Stopwatch ticks).</summary>
    public sealed record Ack(string Name, string Socket, long At);

    public IReadOnlyList<Ack> Acks
    {
        get
        {
            lock (_acks)
            {
                return [.. _acks];
            }
        }
    }

    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Waits until <paramref name="condition"/> holds for the acknowledged writes.</summary>
    public void WaitFor(Func<IReadOnlyList<Ack>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(Acks))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"write load: {what} not reached within {timeout} ({Acks.Count} acknowledged, {Failures} failed attempts)");
            }
            Thread.Sleep(20);
        }
    }

    public void Stop()
    {
        _stop.Cancel();
        _threads.ForEach(t => t.Join());
    }

    public void Dispose() => Stop();

    private void Loop(int writer)
    {
        var next = Stopwatch.GetTimestamp();
        var sequence = 0;
        var socketIndex = 0;
        HttpClient? client = null;
        string? current = null;
        while (!_stop.IsCancellationRequested)
        {
            var sockets = _sockets();
            var socket = sockets[socketIndex % sockets.Count];
            if (socket != current)
            {
                client?.Dispose();
                client = HaServer.AdminClient(socket, TimeSpan.FromSeconds(2));
                current = socket;
            }
            var name = $"load-{writer}-{sequence}";
            try
            {
                using var response = client!.PostAsJsonAsync("/admin/tenants", new CreateTenantRequest(name), ContractsJsonContext.Default.CreateTenantRequest).GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode)
                {
                    lock (_acks)
                    {
                        _acks.Add(new Ack(name, socket, Stopwatch.GetTimestamp()));
                    }
                    sequence++;
                }
                else
                {
                    Interlocked.Increment(ref _failures);
                    socketIndex++;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                Interlocked.Increment(ref _failures);
                socketIndex++;
            }
            // Pace to the target rate; after a failure try again soon (that is when the new master appears).
            next += (long)(_interval.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero)
            {
                _stop.Token.WaitHandle.WaitOne(wait);
            }
            else
            {
                next = Stopwatch.GetTimestamp();
            }
        }
        client?.Dispose();
    }
}
