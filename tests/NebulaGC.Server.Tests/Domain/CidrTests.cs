using System.Net;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Tests.Domain;

public sealed class CidrTests
{
    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("2001:db8::1")]
    [InlineData("::1")]
    [InlineData("::ffff:10.1.2.3")]
    public void Canonical_addresses_parse(string text)
    {
        Assert.True(Cidr.TryParseAddress(text, out var address));
        Assert.Equal(IPAddress.Parse(text), address);
    }

    [Theory]
    [InlineData("010.0.0.1")]
    [InlineData("0xa.0.0.1")]
    [InlineData("167772161")]
    [InlineData("10.1")]
    [InlineData("10.0.0.01")]
    [InlineData("fe80::1%eth0")]
    [InlineData("fe80::1%2")]
    [InlineData("[::1]")]
    [InlineData("10.0.0.1 ")]
    [InlineData("")]
    [InlineData(null)]
    public void Legacy_spellings_zone_ids_and_padding_are_refused(string? text) =>
        Assert.False(Cidr.TryParseAddress(text, out _));

    [Theory]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("0.0.0.0/0", true)]
    [InlineData("192.168.1.0/24", true)]
    [InlineData("192.168.1.1/32", true)]
    [InlineData("192.168.1.1/24", false)]
    [InlineData("010.0.0.0/8", false)]
    [InlineData("10.0.0.0/8/8", false)]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("10.0.0.0/008", false)]
    [InlineData("10.0.0.0/", false)]
    [InlineData("/8", false)]
    [InlineData("fd00::/8", false)]
    public void IPv4_networks_must_be_written_with_their_network_address(string text, bool valid) =>
        Assert.Equal(valid, Cidr.TryParseIPv4Network(text, out _));
}
