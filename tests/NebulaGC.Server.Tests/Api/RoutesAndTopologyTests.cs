using System.Net;
using NebulaGC.Client.Contracts;

namespace NebulaGC.Server.Tests.Api;

public sealed class RoutesAndTopologyTests : ServerTestBase
{
    private static ContractsJsonContext Json => ContractsJsonContext.Default;

    [Fact]
    public async Task A_node_sets_reads_and_clears_its_routes_and_every_node_sees_them_pending_then_approved()
    {
        var router = await Server.CreateNodeAsync(Admin, "router");
        var other = await Server.CreateNodeAsync(Admin, "other");
        var before = ClusterVersion();
        using var set = await Server.PostJsonAsync("/v1/routes", router, """{"routes":["192.168.20.0/24","10.10.0.0/16","192.168.20.0/24"]}""");
        var advertised = await set.ReadAsync(Json.NodeRoutes);
        Assert.Equal(["10.10.0.0/16", "192.168.20.0/24"], advertised.Advertised);
        Assert.Equal(["10.10.0.0/16", "192.168.20.0/24"], advertised.Pending);
        Assert.Empty(advertised.Routes);
        Assert.Equal(before, ClusterVersion());

        using (var approve = await Server.PostJsonAsync($"/v1/routes/{router.NodeId}/approve", Admin, """{"routes":["10.10.0.0/16","192.168.20.0/24"]}"""))
        {
            Assert.Equal(["10.10.0.0/16", "192.168.20.0/24"], (await approve.ReadAsync(Json.NodeRoutes)).Routes);
        }
        Assert.Equal(before + 1, ClusterVersion());
        using var own = await Server.GetAsync("/v1/routes", router);
        Assert.Equal(["10.10.0.0/16", "192.168.20.0/24"], (await own.ReadAsync(Json.NodeRoutes)).Approved);
        using var all = await Server.GetAsync("/v1/routes/all", other);
        var entry = Assert.Single((await all.ReadAsync(Json.AllRoutesResponse)).Nodes);
        Assert.Equal(router.NodeId, entry.NodeId);
        Assert.Equal(["10.10.0.0/16", "192.168.20.0/24"], entry.Routes);

        using var clear = await Server.PostJsonAsync("/v1/routes", router, """{"routes":[]}""");
        Assert.Empty((await clear.ReadAsync(Json.NodeRoutes)).Advertised);
        Assert.Equal(before + 2, ClusterVersion());
        using var none = await Server.GetAsync("/v1/routes/all", other);
        Assert.Empty((await none.ReadAsync(Json.AllRoutesResponse)).Nodes);
    }

    [Theory]
    [InlineData("""{"routes":["192.168.1.5/24"]}""")]
    [InlineData("""{"routes":["not-a-cidr"]}""")]
    [InlineData("""{"routes":["fd00::/64"]}""")]
    [InlineData("""{"routes":["10.0.0.0/33"]}""")]
    [InlineData("""{}""")]
    public async Task Invalid_routes_are_400_and_change_nothing(string body)
    {
        var before = ClusterVersion();
        using var response = await Server.PostJsonAsync("/v1/routes", Admin, body);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
        Assert.Equal(before, ClusterVersion());
    }

    [Fact]
    public async Task Topology_lists_lighthouses_relays_and_the_control_plane_setting()
    {
        var lighthouse = await Server.CreateNodeAsync(Admin, "lh-1");
        using (await Server.PostJsonAsync($"/v1/nodes/{lighthouse.NodeId}/lighthouse", Admin, """{"is_lighthouse":true,"public_ip":"198.51.100.4"}"""))
        {
        }
        using var response = await Server.GetAsync("/v1/topology", lighthouse);
        var topology = await response.ReadAsync(Json.TopologyResponse);
        var lh = Assert.Single(topology.Lighthouses);
        Assert.Equal("198.51.100.4", lh.PublicIp);
        Assert.Equal(4242, lh.Port);
        Assert.Empty(topology.Relays);
        Assert.False(topology.ControlPlaneLighthouse.Enabled);
    }
}
