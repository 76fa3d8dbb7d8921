using System.Net.Sockets;
using System.Text;

namespace NebulaGC.Server.Tests.Cli;

public sealed class SystemdWatchdogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Under_a_systemd_watchdog_the_server_pings_watchdog_on_the_notify_socket()
    {
        var socketPath = _dir.Combine("notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var port = FreePort.Tcp();
        var env = new Dictionary<string, string?>
        {
            ["NEBULAGC_HMAC_SECRET"] = TestServer.Secret,
            ["NOTIFY_SOCKET"] = socketPath,
            ["WATCHDOG_USEC"] = "1000000",
        };
        using var server = await ServerProcess.StartServeAsync(
            ["serve", "--master", "--db", _dir.Combine("nebulagc.db"), "--listen", $"127.0.0.1:{port}", "--instance-id", "wd", "--admin-socket", ""], env, $"http://127.0.0.1:{port}");
        try
        {
            var buffer = new byte[256];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var received = Encoding.ASCII.GetString(buffer, 0, await notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
            Assert.Equal("WATCHDOG=1", received);
        }
        finally
        {
            server.Kill();
        }
    }
}
