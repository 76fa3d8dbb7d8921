using NebulaGC.Client.Http;
using NebulaGC.Daemon.Agent;
using NebulaGC.Daemon.Apply;
using NebulaGC.Daemon.Configuration;
using NebulaGC.Daemon.Status;
using NebulaGC.Daemon.Supervision;

namespace NebulaGC.Daemon.Tests.Support;

/// <summary>
/// Runs the real daemon engine (<see cref="DaemonRunner"/>) in-process with short timings against given
/// control-plane URLs, with one cluster whose nebula really runs. Stopping the runner leaves nebula running,
/// as in production; disposing the harness kills it.
/// </summary>
public sealed class DaemonHarness : IAsyncDisposable
{
    private readonly LogCapture log = new();
    private CancellationTokenSource? stop;
    private Task? run;

    public DaemonHarness(string root, IReadOnlyList<Uri> urls, string nebulaBinary = "/usr/bin/nebula", string clusterName = "prod", ClusterSettings? cluster = null)
    {
        var id = Guid.NewGuid();
        Cluster = cluster ?? new ClusterSettings(clusterName, id, id, id, new string('n', 43), new string('c', 43), Path.Combine(root, "etc", clusterName));
        Settings = new DaemonSettings(urls, [Cluster], nebulaBinary, Path.Combine(root, "state"), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200));
        Paths = new ClusterPaths(Cluster, Settings);
    }

    public DaemonSettings Settings { get; set; }
    public ClusterSettings Cluster { get; }
    public ClusterPaths Paths { get; }
    public string Log => log.Text;

    public DaemonRunnerOptions Options { get; set; } = new()
    {
        Client = new ControlPlaneClientOptions { ConnectTimeout = TimeSpan.FromSeconds(1), RequestTimeout = TimeSpan.FromSeconds(2) },
        Supervision = new SupervisorOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(200),
            MaxBackoff = TimeSpan.FromSeconds(1),
            Probation = TimeSpan.FromSeconds(1.5),
            LogPollInterval = TimeSpan.FromMilliseconds(100),
        },
        StatusFlushInterval = TimeSpan.FromMilliseconds(100),
    };

    public void Start()
    {
        stop = new CancellationTokenSource();
        run = new DaemonRunner(Settings, Options, log.Log, TimeProvider.System).RunAsync(stop.Token);
    }

    /// <summary>Stops the daemon as SIGTERM would; nebula keeps running.</summary>
    public async Task StopAsync()
    {
        if (stop is null || run is null)
        {
            return;
        }
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        stop = null;
        run = null;
    }

    public ClusterStatus? Status()
    {
        try
        {
            return StatusFile.Read(Settings.StatusFile).Clusters.Single();
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public Task WaitForAsync(Func<ClusterStatus, bool> condition, TimeSpan? timeout = null) =>
        Wait.UntilAsync(() => Status() is { } s && condition(s), timeout ?? TimeSpan.FromSeconds(20), () => $"status: {Status()}\nlog:\n{Log}");

    /// <summary>The pid of the nebula serving the cluster and the config directory it runs in.</summary>
    public (int Pid, string ConfigDir)? Nebula()
    {
        if (!File.Exists(Paths.NebulaPidFile))
        {
            return null;
        }
        int pid = int.Parse(File.ReadAllText(Paths.NebulaPidFile).Split(' ')[0]);
        if (!NebulaProcess.IsAlive(pid))
        {
            return null;
        }
        try
        {
            return (pid, new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget ?? "");
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Nebula() is { } nebula)
        {
            System.Diagnostics.Process.GetProcessById(nebula.Pid).Kill();
            await Wait.UntilAsync(() => !NebulaProcess.IsAlive(nebula.Pid), TimeSpan.FromSeconds(10), () => "nebula did not die");
        }
    }
}
