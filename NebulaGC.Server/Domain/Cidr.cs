using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NebulaGC.Server.Domain;

/// <summary>
/// Strict parsing of IP addresses and networks. <see cref="IPAddress.TryParse(string, out IPAddress)"/> accepts legacy
/// spellings that other tools read differently (<c>010.0.0.0</c> as octal 8.0.0.0, <c>0xa.0.0.0</c>, <c>167772160</c>,
/// <c>127.1</c>) and zone ids (<c>fe80::1%eth0</c>) that mean nothing to another host. Only dotted-decimal IPv4 without
/// leading zeros and plain IPv6 are accepted, and callers store the canonical text.
/// </summary>
public static class Cidr
{
    /// <summary>Parses an IPv4 address written as four decimal octets without leading zeros, or an IPv6 address without a zone id.</summary>
    public static bool TryParseAddress(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        if (string.IsNullOrEmpty(text) || !IPAddress.TryParse(text, out var parsed))
        {
            return false;
        }
        if (parsed.AddressFamily == AddressFamily.InterNetwork)
        {
            // The canonical form of an IPv4 address is exactly the dotted-decimal text; every legacy spelling differs from it.
            if (!string.Equals(parsed.ToString(), text, StringComparison.Ordinal))
            {
                return false;
            }
        }
        else if (parsed.AddressFamily != AddressFamily.InterNetworkV6
            || !text.All(ch => char.IsAsciiHexDigit(ch) || ch is ':' or '.')
            || text.Contains('.') && !CanonicalDottedTail(text))
        {
            // No zone id (%eth0), no brackets, and an embedded IPv4 tail in canonical dotted decimal.
            return false;
        }
        address = parsed;
        return true;
    }

    /// <summary>
    /// Parses an IPv4 network written with its network address (<c>10.42.0.0/16</c>). <see cref="IPNetwork.TryParse(string, out IPNetwork)"/>
    /// silently masks host bits (<c>10.42.0.5/16</c>), which would hide an operator's typo.
    /// </summary>
    public static bool TryParseIPv4Network(string? text, out IPNetwork network)
    {
        network = default;
        var slash = text?.IndexOf('/') ?? -1;
        if (slash <= 0
            || !TryParseAddress(text![..slash], out var address)
            || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            || prefix > 32
            || text.Length - slash - 1 > 2
            || text.Length - slash - 1 == 2 && text[slash + 1] == '0')
        {
            return false;
        }
        var parsed = new IPNetwork(Mask(address, prefix), prefix);
        if (!parsed.BaseAddress.Equals(address))
        {
            return false;
        }
        network = parsed;
        return true;
    }

    /// <summary>Whether two networks share at least one address.</summary>
    public static bool Overlaps(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        return new IPAddress(bytes);
    }

    private static bool CanonicalDottedTail(string text)
    {
        var tail = text[(text.LastIndexOf(':') + 1)..];
        return IPAddress.TryParse(tail, out var v4) && string.Equals(v4.ToString(), tail, StringComparison.Ordinal);
    }
}
