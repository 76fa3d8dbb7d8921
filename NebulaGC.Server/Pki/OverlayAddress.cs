using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NebulaGC.Server.Pki;

/// <summary>
/// An IPv4 address with a prefix length, as carried by a Nebula v1 certificate: <c>10.42.0.17/16</c> is the host
/// address 10.42.0.17 in the overlay network 10.42.0.0/16. v1 certificates hold IPv4 only (uint32 address and mask).
/// </summary>
public readonly record struct OverlayAddress
{
    /// <summary>Creates the value after checking that <paramref name="address"/> is IPv4 and the prefix is 0–32.</summary>
    /// <exception cref="ArgumentException">Not IPv4, or prefix out of range.</exception>
    public OverlayAddress(IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"'{address}' is not an IPv4 address; Nebula v1 certificates carry IPv4 only", nameof(address));
        }
        if (prefixLength is < 0 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, "an IPv4 prefix length is 0 to 32");
        }
        Address = address;
        PrefixLength = prefixLength;
    }

    /// <summary>The IPv4 address (for a host entry the host's own address, not the network address).</summary>
    public IPAddress Address { get; }

    /// <summary>The prefix length in bits, 0–32.</summary>
    public int PrefixLength { get; }

    /// <summary>The address as a big-endian uint32, as the certificate stores it.</summary>
    public uint AddressValue => BinaryPrimitives.ReadUInt32BigEndian(Address.GetAddressBytes());

    /// <summary>The netmask as a big-endian uint32 (e.g. 0xFFFF0000 for /16).</summary>
    public uint MaskValue => MaskFromPrefix(PrefixLength);

    /// <summary>The same prefix with the host bits cleared (<c>10.42.0.17/16</c> → <c>10.42.0.0/16</c>).</summary>
    public OverlayAddress Network => new(FromValue(AddressValue & MaskValue), PrefixLength);

    /// <summary>Whether <paramref name="address"/> lies inside this prefix.</summary>
    public bool Contains(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }
        uint value = BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());
        return (value & MaskValue) == (AddressValue & MaskValue);
    }

    /// <summary>Whether the whole of <paramref name="other"/> lies inside this prefix.</summary>
    public bool Contains(OverlayAddress other) =>
        other.PrefixLength >= PrefixLength && Contains(other.Address);

    /// <summary>Parses <c>a.b.c.d/len</c>.</summary>
    /// <exception cref="FormatException">Not an IPv4 address with a prefix length.</exception>
    public static OverlayAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int slash = text.IndexOf('/');
        if (slash < 0
            || !IPAddress.TryParse(text.AsSpan(0, slash), out IPAddress? address)
            || address.AddressFamily != AddressFamily.InterNetwork
            // IPAddress also accepts legacy forms such as "10.42.0"; only canonical dotted quads are allowed, as in Go.
            || !text.AsSpan(0, slash).SequenceEqual(address.ToString())
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int prefixLength)
            || prefixLength > 32)
        {
            throw new FormatException($"'{text}' is not an IPv4 address with a prefix length, such as 10.42.0.17/16");
        }
        return new OverlayAddress(address, prefixLength);
    }

    /// <summary>Builds the value from the certificate's uint32 address and mask pair.</summary>
    /// <exception cref="FormatException">The mask is not contiguous (no prefix length describes it).</exception>
    internal static OverlayAddress FromCertificatePair(uint address, uint mask)
    {
        int prefixLength = System.Numerics.BitOperations.PopCount(mask);
        if (MaskFromPrefix(prefixLength) != mask)
        {
            throw new FormatException($"netmask 0x{mask:x8} is not contiguous");
        }
        return new OverlayAddress(FromValue(address), prefixLength);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Address}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";

    private static uint MaskFromPrefix(int prefixLength) =>
        prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);

    private static IPAddress FromValue(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
