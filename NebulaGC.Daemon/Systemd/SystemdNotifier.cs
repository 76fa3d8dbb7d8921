using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace NebulaGC.Daemon.Systemd;

/// <summary>
/// sd_notify(3) without libsystemd: datagrams to <c>$NOTIFY_SOCKET</c> (READY, STATUS, WATCHDOG, STOPPING).
/// Does nothing when not started by systemd with <c>Type=notify</c>.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? socket;
    private readonly UnixDomainSocketEndPoint? endpoint;

    private SystemdNotifier(string? socketPath, TimeSpan? watchdogInterval)
    {
        WatchdogInterval = watchdogInterval;
        if (string.IsNullOrEmpty(socketPath))
        {
            return;
        }
        // A leading '@' names a socket in the abstract namespace.
        endpoint = new UnixDomainSocketEndPoint(socketPath[0] == '@' ? "\0" + socketPath[1..] : socketPath);
        socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    /// <summary>Half the <c>WatchdogSec=</c> systemd gave us, or null without a watchdog.</summary>
    public TimeSpan? WatchdogInterval { get; }

    public bool Enabled => socket is not null;

    public static SystemdNotifier FromEnvironment()
    {
        string? socketPath = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        TimeSpan? watchdog = null;
        if (long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out long usec) && usec > 0)
        {
            string? pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
            if (string.IsNullOrEmpty(pid) || pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
            {
                watchdog = TimeSpan.FromMicroseconds(usec / 2.0);
            }
        }
        return new SystemdNotifier(socketPath, watchdog);
    }

    public void Ready(string status) => Send($"READY=1\nSTATUS={status}");

    public void Status(string status) => Send($"STATUS={status}");

    public void Watchdog() => Send("WATCHDOG=1");

    public void Stopping() => Send("STOPPING=1");

    public void Dispose() => socket?.Dispose();

    private void Send(string message)
    {
        if (socket is null)
        {
            return;
        }
        try
        {
            socket.SendTo(Encoding.UTF8.GetBytes(message), endpoint!);
        }
        catch (SocketException)
        {
            // systemd gone or socket not ours: notification is best effort, like sd_notify.
        }
    }
}
