using System.Net;
using System.Net.Sockets;
using NebulaGC.Daemon.Apply;
using NebulaGC.Daemon.Supervision;
using NebulaGC.Daemon.Tests.Support;

namespace NebulaGC.Daemon.Tests;

/// <summary>Real nebula 1.6 processes without tun (no root needed), listening on 127.0.0.1.</summary>
public sealed class NebulaSupervisorTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly TempDirectory dir = new();
    private readonly NebulaFixture nebula;
    private readonly ClusterPaths paths;
    private readonly ConfigApplier applier;
    private readonly LogCapture log = new();
    private readonly List<(NebulaSupervisor Supervisor, CancellationTokenSource Stop, Task Run)> running = [];
    private readonly SupervisorOptions fast = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(200),
        MaxBackoff = TimeSpan.FromMilliseconds(800),
        StableUptime = TimeSpan.FromSeconds(3),
        Probation = TimeSpan.FromSeconds(1.5),
        StopTimeout = TimeSpan.FromSeconds(5),
        LogPollInterval = TimeSpan.FromMilliseconds(100),
    };

    public NebulaSupervisorTests()
    {
        nebula = new NebulaFixture(dir.Path);
        paths = new ClusterPaths(dir.Combine("etc"), dir.Combine("state"), "prod");
        applier = new ConfigApplier(paths, new NebulaConfigTester("/usr/bin/nebula", TimeSpan.FromSeconds(30)));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (supervisor, stop, run) in running)
        {
            await supervisor.StopNebulaAsync().WaitAsync(Patience);
            stop.Cancel();
            await run;
        }
        dir.Dispose();
    }

    private async Task<StagedConfig> ApplyAsync(long version, int port, int mtu = 1300)
    {
        var bundle = nebula.Bundle(port, mtu);
        var staged = await applier.StageAsync(bundle, Bundles.Sha256(bundle), version, CancellationToken.None);
        applier.Activate(staged.DirName);
        return staged;
    }

    private NebulaSupervisor Start()
    {
        var supervisor = new NebulaSupervisor("prod", paths, "/usr/bin/nebula", fast, log.Log, TimeProvider.System);
        var stop = new CancellationTokenSource();
        running.Add((supervisor, stop, supervisor.RunAsync(stop.Token)));
        return supervisor;
    }

    private Task WaitRunningAsync(NebulaSupervisor supervisor) =>
        Wait.UntilAsync(() => supervisor.Status is { State: "running", Pid: not null }, Patience, () => $"{supervisor.Status}\n{log.Text}");

    [Fact]
    public async Task Nebula_is_started_on_the_current_config_and_its_output_reaches_the_daemon_log()
    {
        await ApplyAsync(1, FreePort.Udp());
        var supervisor = Start();
        await WaitRunningAsync(supervisor);
        await Wait.UntilAsync(() => log.Text.Contains("[nebula:prod]") && log.Text.Contains("Nebula interface is active"), Patience, () => log.Text);
        Assert.True(NebulaGC.Daemon.Supervision.NebulaProcess.IsAlive(supervisor.Status.Pid!.Value));
        Assert.Equal(File.ReadAllText(paths.NebulaPidFile).Split(' ')[0], supervisor.Status.Pid.ToString());
    }

    [Fact]
    public async Task A_restart_onto_a_new_config_that_keeps_running_is_stable()
    {
        await ApplyAsync(1, FreePort.Udp());
        var supervisor = Start();
        await WaitRunningAsync(supervisor);
        int oldPid = supervisor.Status.Pid!.Value;

        await ApplyAsync(2, FreePort.Udp(), mtu: 1400);
        var outcome = await supervisor.RestartAsync(CancellationToken.None).WaitAsync(Patience);

        var stable = Assert.IsType<RestartOutcome.Stable>(outcome);
        Assert.NotEqual(oldPid, stable.Pid);
        Assert.False(NebulaGC.Daemon.Supervision.NebulaProcess.IsAlive(oldPid));
        Assert.Equal("running", supervisor.Status.State);
    }

    [Fact]
    public async Task A_nebula_that_exits_at_once_on_a_new_config_is_reported_and_held_for_rollback()
    {
        await ApplyAsync(1, FreePort.Udp());
        var supervisor = Start();
        await WaitRunningAsync(supervisor);

        using var squatter = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await ApplyAsync(2, ((IPEndPoint)squatter.Client.LocalEndPoint!).Port);
        var outcome = await supervisor.RestartAsync(CancellationToken.None).WaitAsync(Patience);

        var crash = Assert.IsType<RestartOutcome.ExitedEarly>(outcome);
        Assert.Equal(1, crash.ExitCode);
        Assert.Contains("address already in use", crash.Output);
        Assert.Equal("held", supervisor.Status.State);
        await Task.Delay(fast.InitialBackoff * 3);
        Assert.Equal("held", supervisor.Status.State); // no restart on the bad config behind the caller's back
    }

    [Fact]
    public async Task A_crashing_nebula_is_restarted_with_growing_backoff()
    {
        await ApplyAsync(1, FreePort.Udp());
        var supervisor = Start();
        await WaitRunningAsync(supervisor);
        int first = supervisor.Status.Pid!.Value;

        Process(first).Kill();
        await Wait.UntilAsync(() => supervisor.Status is { State: "running", Pid: { } p } && p != first, Patience, () => $"{supervisor.Status}");
        Assert.Equal(1, supervisor.Status.Restarts);
        Assert.Contains($"nebula (pid {first}) exited with code 137", log.Text);

        int second = supervisor.Status.Pid!.Value;
        Process(second).Kill();
        await Wait.UntilAsync(() => supervisor.Status.Restarts == 2, Patience, () => $"{supervisor.Status}");
        Assert.Contains("restarting in 0.4 s", log.Text); // doubled from 0.2 s: the first run was shorter than StableUptime
        await WaitRunningAsync(supervisor);
    }

    [Fact]
    public async Task A_new_supervisor_adopts_a_running_nebula_instead_of_restarting_it()
    {
        await ApplyAsync(1, FreePort.Udp());
        var first = Start();
        await WaitRunningAsync(first);
        int pid = first.Status.Pid!.Value;

        // The daemon stops: nebula must keep running.
        var (_, stop, run) = running[0];
        running.RemoveAt(0);
        stop.Cancel();
        await run;
        await Task.Delay(300); // time passes on purpose: a late kill of nebula by the stopped supervisor would show here
        Assert.True(NebulaGC.Daemon.Supervision.NebulaProcess.IsAlive(pid));

        var second = Start();
        await WaitRunningAsync(second);
        Assert.Equal(pid, second.Status.Pid);
        Assert.True(second.Status.Adopted);
        Assert.Contains($"adopted running nebula (pid {pid})", log.Text);

        // The adopted process is still supervised: a restart replaces it.
        await ApplyAsync(2, FreePort.Udp());
        Assert.IsType<RestartOutcome.Stable>(await second.RestartAsync(CancellationToken.None).WaitAsync(Patience));
        await Wait.UntilAsync(() => !NebulaGC.Daemon.Supervision.NebulaProcess.IsAlive(pid), Patience, () => $"old nebula {pid} still alive");
    }

    [Fact]
    public async Task A_stale_pid_file_is_not_adopted()
    {
        await ApplyAsync(1, FreePort.Udp());
        paths.EnsureDirectories();
        File.WriteAllText(paths.NebulaPidFile, $"{Environment.ProcessId} 12345");
        var supervisor = Start();
        await WaitRunningAsync(supervisor);
        Assert.NotEqual(Environment.ProcessId, supervisor.Status.Pid);
        Assert.False(supervisor.Status.Adopted);
    }

    private static System.Diagnostics.Process Process(int pid) => System.Diagnostics.Process.GetProcessById(pid);
}
