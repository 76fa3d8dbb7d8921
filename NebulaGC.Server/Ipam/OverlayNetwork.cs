using System.Buffers.Binary;
using System.Net;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Ipam;

/// <summary>
/// A cluster's IPv4 overlay network (Nebula v1 certificates carry IPv4 only). Host offsets
/// 1..<see cref="ReservedHostCount"/> are kept for control-plane lighthouses; nodes get the lowest free offset above.
/// </summary>
public sealed class OverlayNetwork
{
    /// <summary>Host offsets reserved at the start of the network for control-plane lighthouse instances.</summary>
    public const int ReservedHostCount = 15;

    public const string DefaultCidr = "10.42.0.0/16";

    private OverlayNetwork(uint network, int prefixLength)
    {
        Network = network;
        PrefixLength = prefixLength;
    }

    public uint Network { get; }

    public int PrefixLength { get; }

    /// <summary>Host addresses, excluding the network and broadcast addresses.</summary>
    public long HostCount => (1L << (32 - PrefixLength)) - 2;

    public string Cidr => $"{ToAddress(Network)}/{PrefixLength}";

    /// <summary>Parses <c>a.b.c.d/n</c> with 8 ≤ n ≤ 26 (room for the reserved block and nodes).</summary>
    public static OverlayNetwork Parse(string cidr)
    {
        if (!Domain.Cidr.TryParseIPv4Network(cidr, out var parsed))
        {
            throw new InvalidInput($"overlay CIDR '{cidr}' is not an IPv4 network written with its network address, such as 10.42.0.0/16 (Nebula v1 certificates are IPv4 only)");
        }
        if (parsed.PrefixLength is < 8 or > 26)
        {
            throw new InvalidInput($"overlay CIDR '{cidr}' has prefix /{parsed.PrefixLength}; use /8 to /26");
        }
        var network = BinaryPrimitives.ReadUInt32BigEndian(parsed.BaseAddress.GetAddressBytes());
        return new OverlayNetwork(network, parsed.PrefixLength);
    }

    public string AddressAt(long hostOffset) => ToAddress((uint)(Network + hostOffset));

    public long OffsetOf(string address)
    {
        var value = BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(address).GetAddressBytes());
        return value - (long)Network;
    }

    /// <summary>The lowest node address not in <paramref name="taken"/>.</summary>
    public string AllocateNodeAddress(IEnumerable<string> taken)
    {
        var used = new HashSet<long>(taken.Select(OffsetOf));
        for (long offset = ReservedHostCount + 1; offset <= HostCount; offset++)
        {
            if (!used.Contains(offset))
            {
                return AddressAt(offset);
            }
        }
        throw new AddressesExhausted($"overlay network {Cidr} has no free address left ({HostCount - ReservedHostCount} node addresses in use or held for deleted nodes)");
    }

    private static string ToAddress(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes).ToString();
    }
}
