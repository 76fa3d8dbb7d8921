using NebulaGC.Server.Domain;
using NebulaGC.Server.Ipam;

namespace NebulaGC.Server.Tests.Domain;

public sealed class OverlayNetworkTests
{
    [Fact]
    public void First_node_address_follows_the_block_reserved_for_control_plane_lighthouses()
    {
        var network = OverlayNetwork.Parse("10.42.0.0/16");
        Assert.Equal("10.42.0.16", network.AllocateNodeAddress([]));
    }

    [Fact]
    public void Allocation_takes_the_lowest_free_address()
    {
        var network = OverlayNetwork.Parse("10.42.0.0/16");
        Assert.Equal("10.42.0.17", network.AllocateNodeAddress(["10.42.0.16", "10.42.0.18"]));
    }

    [Fact]
    public void Allocation_crosses_octet_boundaries()
    {
        var network = OverlayNetwork.Parse("10.42.0.0/16");
        var taken = Enumerable.Range(16, 240).Select(i => network.AddressAt(i)).ToList();
        Assert.Equal("10.42.1.0", network.AllocateNodeAddress(taken));
    }

    [Fact]
    public void A_full_network_is_a_conflict_naming_the_network()
    {
        var network = OverlayNetwork.Parse("10.9.9.0/26");
        var taken = Enumerable.Range(16, 47).Select(i => network.AddressAt(i)).ToList();
        var error = Assert.Throws<AddressesExhausted>(() => network.AllocateNodeAddress(taken));
        Assert.Contains("10.9.9.0/26", error.Message);
    }

    [Theory]
    [InlineData("10.42.0.0")]
    [InlineData("10.42.0.5/16")]
    [InlineData("fd00::/64")]
    [InlineData("10.0.0.0/7")]
    [InlineData("10.0.0.0/27")]
    [InlineData("garbage")]
    public void Invalid_overlay_cidrs_are_bad_requests(string cidr) => Assert.Throws<InvalidInput>(() => OverlayNetwork.Parse(cidr));
}
