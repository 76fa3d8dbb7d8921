using System.Net;
using System.Net.Sockets;

namespace NebulaGC.Server.Domain;

public static class Cidr
{
    /// <summary>
    /// Parses an IPv4 network written with its network address (<c>10.42.0.0/16</c>). <see cref="IPNetwork.TryParse(string, out IPNetwork)"/>
    /// silently masks host bits (<c>10.42.0.5/16</c>), which would hide an operator's typo.
    /// </summary>
    public static bool TryParseIPv4Network(string? text, out IPNetwork network)
    {
        network = default;
        if (text is null || !IPNetwork.TryParse(text, out var parsed) || parsed.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }
        var slash = text.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(text[..slash], out var written) || !written.Equals(parsed.BaseAddress))
        {
            return false;
        }
        network = parsed;
        return true;
    }
}
