using System.Net.Sockets;
using System.Text;

namespace NebulaGC.Server.Tests.Cli;

public sealed class SystemdWatchdogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task With_NOTIFY_SOCKET_set_the_server_sends_READY_though_its_parent_is_not_systemd()
    {
        // The test host is the parent here, as an invisible parent is under ProtectProc=invisible: READY=1 must still come.
        var messages = await NotificationsUntil("READY=1", watchdogUsec: null);
        Assert.Contains("READY=1", messages);
    }

    [Fact]
    public async Task Under_a_systemd_watchdog_the_server_pings_watchdog_on_the_notify_socket()
    {
        var messages = await NotificationsUntil("WATCHDOG=1", watchdogUsec: "1000000");
        Assert.Contains("WATCHDOG=1", messages);
    }

    /// <summary>Runs <c>serve</c> with <c>NOTIFY_SOCKET</c> on a socket of ours and collects datagrams until <paramref name="wanted"/> arrives.</summary>
    private async Task<List<string>> NotificationsUntil(string wanted, string? watchdogUsec)
    {
        var socketPath = _dir.Combine("notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var port = FreePort.Tcp();
        var env = new Dictionary<string, string?>
        {
            ["NEBULAGC_HMAC_SECRET"] = TestServer.Secret,
            ["NOTIFY_SOCKET"] = socketPath,
        };
        if (watchdogUsec is not null)
        {
            env["WATCHDOG_USEC"] = watchdogUsec;
        }
        using var server = await ServerProcess.StartServeAsync(
            ["serve", "--master", "--db", _dir.Combine("nebulagc.db"), "--listen", $"127.0.0.1:{port}", "--instance-id", "wd", "--admin-socket", ""], env, $"http://127.0.0.1:{port}");
        try
        {
            var messages = new List<string>();
            var buffer = new byte[256];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            while (!messages.Contains(wanted))
            {
                var received = await notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                messages.AddRange(Encoding.ASCII.GetString(buffer, 0, received).Split('\n'));
            }
            return messages;
        }
        finally
        {
            server.Kill();
        }
    }
}
