using System.Net;
using System.Net.Sockets;

namespace NebulaGC.TestSupport;

/// <summary>
/// Ports on 127.0.0.1 that nothing listens on right now: the kernel picks one for a socket bound to port 0, which is
/// closed again. Several test runs share this machine, so never hard-code a port.
/// </summary>
public static class FreePort
{
    /// <summary>A free TCP port on 127.0.0.1.</summary>
    public static int Tcp()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>A free UDP port on 127.0.0.1 (nebula's underlay).</summary>
    public static int Udp()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }
}
