using System.Net;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Tests.Api;

namespace NebulaGC.Server.Tests.Security;

/// <summary>
/// Issue 15 #5: a node may not advertise a route that covers overlay addresses; a default route it may advertise, but it
/// stays pending until an admin approves it (<see cref="Api.RouteApprovalTests"/>).
/// </summary>
public sealed class RouteAdvertisementTests : ServerTestBase
{
    [Theory]
    [InlineData("10.42.0.0/16")]
    [InlineData("10.42.7.0/24")]
    [InlineData("10.42.0.17/32")]
    [InlineData("10.0.0.0/8")]
    public async Task A_route_over_the_overlay_is_400_and_reaches_no_other_node(string route)
    {
        var router = await Server.CreateNodeAsync(Admin, "router");
        var before = ClusterVersion();
        using var response = await Server.PostJsonAsync("/v1/routes", router, $$"""{"routes":["192.168.1.0/24","{{route}}"]}""");
        var message = await response.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
        Assert.Contains(route, message, StringComparison.Ordinal);
        Assert.Equal(before, ClusterVersion());
        using var all = await Server.GetAsync("/v1/routes/all", Admin);
        Assert.Empty((await all.ReadAsync(ContractsJsonContext.Default.AllRoutesResponse)).Nodes);
    }

    [Fact]
    public async Task A_route_beside_the_overlay_is_accepted()
    {
        var router = await Server.CreateNodeAsync(Admin, "router");
        using var response = await Server.PostJsonAsync("/v1/routes", router, """{"routes":["10.43.0.0/16","192.168.1.0/24"]}""");
        Assert.Equal(["10.43.0.0/16", "192.168.1.0/24"], (await response.ReadAsync(ContractsJsonContext.Default.NodeRoutes)).Advertised);
    }

    [Fact]
    public async Task A_default_route_from_any_node_is_accepted_as_pending_and_reaches_no_other_node()
    {
        var router = await Server.CreateNodeAsync(Admin, "router");
        var before = ClusterVersion();
        using var response = await Server.PostJsonAsync("/v1/routes", router, """{"routes":["0.0.0.0/0"]}""");
        var routes = await response.ReadAsync(ContractsJsonContext.Default.NodeRoutes);
        Assert.Equal(["0.0.0.0/0"], routes.Pending);
        Assert.Empty(routes.Routes);
        Assert.Equal(before, ClusterVersion());
    }
}
