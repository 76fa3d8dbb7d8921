using System.Reflection;
using NebulaGC.Client.Http;
using NebulaGC.Daemon.Configuration;
using NebulaGC.Daemon.Logging;
using NebulaGC.Daemon.Status;
using NebulaGC.Daemon.Supervision;
using NebulaGC.Daemon.Systemd;

namespace NebulaGC.Daemon.Agent;

/// <summary>Timings of the daemon as a whole; tests shorten them.</summary>
public sealed record DaemonRunnerOptions
{
    public ControlPlaneClientOptions Client { get; init; } = new();
    public SupervisorOptions Supervision { get; init; } = new();

    /// <summary>How often a changed status is written to <c>status.json</c> (default 1 s).</summary>
    public TimeSpan StatusFlushInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>Runs one <see cref="ClusterAgent"/> per configured cluster, publishes the status and talks to systemd.</summary>
public sealed class DaemonRunner(DaemonSettings settings, DaemonRunnerOptions options, DaemonLog log, TimeProvider time)
{
    private const string Component = "daemon";

    public static string ProductVersion { get; } =
        typeof(DaemonRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.StateDir);
        var startedAt = time.GetUtcNow();
        using var notifier = SystemdNotifier.FromEnvironment();
        using var handler = ControlPlaneClient.CreateHandler(options.Client);
        var clients = new List<ControlPlaneClient>();
        var agents = new List<ClusterAgent>();
        int dirty = 1;
        foreach (var cluster in settings.Clusters)
        {
            var credentials = new NodeCredentials(cluster.TenantId, cluster.ClusterId, cluster.NodeId, cluster.NodeToken, cluster.ClusterToken);
            var client = new ControlPlaneClient(settings.ControlPlaneUrls, credentials, options.Client, handler);
            clients.Add(client);
            var agent = new ClusterAgent(cluster, settings, client, options.Supervision, log, time);
            agent.StatusChanged += () => Interlocked.Exchange(ref dirty, 1);
            agents.Add(agent);
        }

        log.Info(Component, $"nebulagc {ProductVersion} starting: {agents.Count} cluster(s), state in {settings.StateDir}");
        var running = agents.Select(a => a.RunAsync(cancellationToken)).ToList();
        notifier.Ready($"{agents.Count} cluster(s)");

        // A stuck poll loop stops the watchdog pings, so systemd restarts the daemon (nebula survives: it is adopted).
        var staleAfter = settings.PollWait + settings.PollInterval + options.Client.RequestTimeout * (settings.ControlPlaneUrls.Count + 2) + TimeSpan.FromMinutes(1);
        var tick = notifier.WatchdogInterval is { } w && w < options.StatusFlushInterval ? w : options.StatusFlushInterval;
        var all = Task.WhenAll(running);
        while (!all.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            await Task.WhenAny(all, Task.Delay(tick, time, cancellationToken));
            if (Interlocked.Exchange(ref dirty, 0) == 1)
            {
                var status = new DaemonStatus(Environment.ProcessId, ProductVersion, startedAt, time.GetUtcNow(), agents.Select(a => a.Status).ToList());
                WriteStatus(status);
                notifier.Status(Summary(status));
            }
            if (notifier.WatchdogInterval is not null && agents.All(a => time.GetUtcNow() - a.LastProgress < staleAfter))
            {
                notifier.Watchdog();
            }
        }
        notifier.Stopping();
        try
        {
            await all;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        WriteStatus(new DaemonStatus(Environment.ProcessId, ProductVersion, startedAt, time.GetUtcNow(), agents.Select(a => a.Status).ToList()));
        foreach (var client in clients)
        {
            client.Dispose();
        }
        log.Info(Component, "stopped");
    }

    private void WriteStatus(DaemonStatus status)
    {
        try
        {
            StatusFile.Write(settings.StatusFile, status);
        }
        catch (IOException e)
        {
            log.Warning(Component, $"writing status file '{settings.StatusFile}' failed: {e.Message}");
        }
    }

    private static string Summary(DaemonStatus status) =>
        string.Join("; ", status.Clusters.Select(c => $"{c.Name}: v{c.AppliedVersion} nebula {c.Nebula.State}{(c.LastError is null ? "" : " (control plane unreachable)")}"));
}
