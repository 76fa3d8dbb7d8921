using System.Net.Sockets;
using System.Text;
using NebulaGC.Daemon.Supervision;
using NebulaGC.Daemon.Tests.EndToEnd;
using NebulaGC.Daemon.Tests.Support;

namespace NebulaGC.Daemon.Tests;

/// <summary>The real <c>nebulagc</c> executable as systemd and an operator see it.</summary>
public sealed class DaemonExecutableTests : IAsyncLifetime
{
    private readonly TempDirectory dir = new();
    private FakeControlPlane server = null!;

    public async Task InitializeAsync() => server = await FakeControlPlane.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (string pidFile in Directory.Exists(dir.Combine("state")) ? Directory.GetFiles(dir.Combine("state"), "nebula.pid", SearchOption.AllDirectories) : [])
        {
            int pid = int.Parse(File.ReadAllText(pidFile).Split(' ')[0]);
            if (NebulaProcess.IsAlive(pid))
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
        }
        await server.DisposeAsync();
        dir.Dispose();
    }

    private string WriteConfig()
    {
        var nebula = new NebulaFixture(dir.Path);
        server.Publish(1, nebula.Bundle(FreePort.Udp()));
        string path = dir.Combine("daemon.json");
        File.WriteAllText(path, $$"""
            {
              "control_plane_urls": ["{{server.Url}}"],
              "state_dir": "{{dir.Combine("state")}}",
              "poll_wait_seconds": 2,
              "clusters": [{"name": "prod", "tenant_id": "{{Guid.NewGuid()}}", "cluster_id": "{{Guid.NewGuid()}}", "node_id": "{{Guid.NewGuid()}}",
                            "node_token": "{{new string('n', 43)}}", "cluster_token": "{{new string('c', 43)}}", "config_dir": "{{dir.Combine("etc", "prod")}}"}]
            }
            """);
        return path;
    }

    [Fact]
    public async Task Under_systemd_the_daemon_reports_ready_pings_the_watchdog_and_says_stopping()
    {
        string config = WriteConfig();
        string socketPath = dir.Combine("notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var messages = new List<string>();

        using var daemon = BackgroundProcess.Dotnet(RepositoryPaths.DaemonDll, ["daemon", "--config", config],
            new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = socketPath, ["WATCHDOG_USEC"] = "400000" });
        await ReceiveUntilAsync(socket, messages, m => m.Contains("WATCHDOG=1"), daemon);
        Assert.Contains(messages, m => m.StartsWith("READY=1\nSTATUS=1 cluster(s)"));

        await ReceiveUntilAsync(socket, messages, m => m.Contains("STATUS=prod: v1 nebula running"), daemon);
        daemon.Terminate();
        await ReceiveUntilAsync(socket, messages, m => m == "STOPPING=1", daemon);
        Assert.Equal(0, daemon.Process.ExitCode);
        Assert.Contains("nebula (pid", daemon.Output);
        Assert.Contains("keeps running and the next daemon run adopts it", daemon.Output);
    }

    [Fact]
    public async Task Status_prints_a_table_while_the_daemon_runs_and_exits_3_once_it_stopped()
    {
        string config = WriteConfig();
        using var daemon = BackgroundProcess.Dotnet(RepositoryPaths.DaemonDll, ["daemon", "--config", config]);
        // v1 counts as applied once nebula survived its probation (5 s by default).
        await Wait.UntilAsync(() => System.Text.RegularExpressions.Regex.IsMatch(Nebulagc.Run("status", "--config", config).Stdout, @"prod\s+v1\s"), TimeSpan.FromSeconds(30), () => daemon.Output);

        var (code, table, _) = Nebulagc.Run("status", "--config", config);
        Assert.Equal(0, code);
        Assert.Matches(@"daemon: running \(pid \d+, nebulagc \d+\.\d+\.\d+", table);
        Assert.Matches(@"prod\s+v1\s+v1\s+running", table);
        Assert.DoesNotContain(new string('n', 43), table);

        daemon.Terminate();
        var (stoppedCode, stopped, _) = Nebulagc.Run("status", "--config", config);
        Assert.Equal(StatusCommandNotRunning, stoppedCode);
        Assert.Contains("daemon: NOT running", stopped);
    }

    private const int StatusCommandNotRunning = 3;

    private static async Task ReceiveUntilAsync(Socket socket, List<string> messages, Func<string, bool> wanted, BackgroundProcess daemon)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!messages.Any(wanted))
        {
            try
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                messages.Add(Encoding.UTF8.GetString(buffer, 0, n));
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no matching notification; got: {string.Join(" | ", messages)}\n{daemon.Output}");
            }
        }
    }
}
