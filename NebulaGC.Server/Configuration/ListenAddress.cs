using System.Globalization;
using System.Net;
namespace NebulaGC.Server.Configuration;

public static class ListenAddress
{
    /// <summary>Parses <c>host:port</c> (<c>127.0.0.1:8080</c>, <c>0.0.0.0:8080</c>, <c>[::]:8080</c>, <c>localhost:8080</c>).</summary>
    public static IPEndPoint Parse(string value, string what)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
        {
            throw new ConfigurationError($"{what} '{value}' is not host:port (for example 127.0.0.1:8080)");
        }
        var host = value[..colon].Trim('[', ']');
        if (host == "localhost")
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }
        if (!IPAddress.TryParse(host, out var address))
        {
            throw new ConfigurationError($"{what} '{value}' must name an IP address (or localhost), not '{host}'");
        }
        return new IPEndPoint(address, port);
    }
}
