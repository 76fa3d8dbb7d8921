using System.Net;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Api;

public sealed class NodesEndpointsTests : ServerTestBase
{
    private static ContractsJsonContext Json => ContractsJsonContext.Default;

    private string NodesPath => $"/v1/tenants/{Admin.TenantId}/clusters/{Admin.ClusterId}/nodes";

    [Fact]
    public async Task Create_node_returns_201_with_tokens_shown_once_and_an_overlay_address()
    {
        var before = ClusterVersion();
        using var response = await Server.PostJsonAsync(NodesPath, Admin, """{"name":"web-1","is_admin":false,"mtu":1400,"groups":["web","prod"]}""");
        var created = await response.ReadAsync(Json.CreateNodeResponse, HttpStatusCode.Created);
        Assert.True(created.NodeToken.Length >= 41);
        Assert.Equal(Admin.ClusterToken, created.ClusterToken);
        Assert.Equal("10.42.0.17", created.OverlayIp);
        Assert.Equal(before + 1, ClusterVersion());

        using var list = await Server.GetAsync("/v1/nodes", Admin);
        var node = (await list.ReadAsync(Json.NodeListResponse)).Nodes.Single(n => n.NodeId == created.NodeId);
        Assert.Equal(1400, node.Mtu);
        Assert.Equal(["prod", "web"], node.Groups);
        Assert.DoesNotContain(created.NodeToken, await list.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"name":"bad name","is_admin":false}""")]
    [InlineData("""{"name":"ok","is_admin":false,"mtu":1279}""")]
    [InlineData("""{"name":"ok","is_admin":false,"mtu":9001}""")]
    [InlineData("""{"name":"ok","is_admin":false,"groups":["no spaces"]}""")]
    [InlineData("""{"name":"ok","is_admin":""")]
    [InlineData("""[1,2,3]""")]
    public async Task Create_node_with_invalid_input_is_400_and_stores_nothing(string body)
    {
        var before = ClusterVersion();
        using var response = await Server.PostJsonAsync(NodesPath, Admin, body);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
        Assert.Equal(before, ClusterVersion());
    }

    [Fact]
    public async Task Create_node_with_a_taken_name_is_409()
    {
        await Server.CreateNodeAsync(Admin, "dup");
        using var response = await Server.PostJsonAsync(NodesPath, Admin, """{"name":"dup","is_admin":false}""");
        await response.AssertErrorAsync(HttpStatusCode.Conflict, ErrorCodes.Conflict);
    }

    [Fact]
    public async Task Create_node_with_path_ids_other_than_the_headers_is_403()
    {
        using var response = await Server.PostJsonAsync($"/v1/tenants/{Guid.NewGuid()}/clusters/{Admin.ClusterId}/nodes", Admin, """{"name":"x","is_admin":false}""");
        await response.AssertErrorAsync(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task Non_admin_node_gets_403_on_admin_endpoints()
    {
        var plain = await Server.CreateNodeAsync(Admin, "plain");
        using var list = await Server.GetAsync("/v1/nodes", plain);
        await list.AssertErrorAsync(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        using var create = await Server.PostJsonAsync(NodesPath, plain, """{"name":"x","is_admin":true}""");
        await create.AssertErrorAsync(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task List_pages_through_nodes_in_creation_order()
    {
        for (var i = 0; i < 4; i++)
        {
            await Server.CreateNodeAsync(Admin, $"n{i}");
        }
        using var first = await Server.GetAsync("/v1/nodes?page=1&page_size=2", Admin);
        var page1 = await first.ReadAsync(Json.NodeListResponse);
        using var third = await Server.GetAsync("/v1/nodes?page=3&page_size=2", Admin);
        var page3 = await third.ReadAsync(Json.NodeListResponse);
        Assert.Equal(5, page1.Total);
        Assert.Equal(["admin", "n0"], page1.Nodes.Select(n => n.Name));
        Assert.Equal(["n3"], page3.Nodes.Select(n => n.Name));
        Assert.Equal(2, page3.PageSize);
    }

    [Theory]
    [InlineData("page_size=501")]
    [InlineData("page_size=0")]
    [InlineData("page=0")]
    [InlineData("page=abc")]
    public async Task List_with_out_of_range_paging_is_400(string query)
    {
        using var response = await Server.GetAsync($"/v1/nodes?{query}", Admin);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
    }

    [Fact]
    public async Task Patch_mtu_changes_it_and_bumps_the_version()
    {
        var node = await Server.CreateNodeAsync(Admin, "m");
        var before = ClusterVersion();
        using var response = await Server.SendAsync(HttpMethod.Patch, $"/v1/nodes/{node.NodeId}/mtu", Admin, new StringContent("""{"mtu":9000}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(9000, (await response.ReadAsync(Json.NodeSummary)).Mtu);
        Assert.Equal(before + 1, ClusterVersion());
        using var bad = await Server.SendAsync(HttpMethod.Patch, $"/v1/nodes/{node.NodeId}/mtu", Admin, new StringContent("""{"mtu":100}""", System.Text.Encoding.UTF8, "application/json"));
        await bad.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
    }

    [Fact]
    public async Task Rotating_a_node_token_kills_the_old_one_at_once()
    {
        var node = await Server.CreateNodeAsync(Admin, "r");
        using var rotate = await Server.PostJsonAsync($"/v1/nodes/{node.NodeId}/token", Admin, "");
        var fresh = await rotate.ReadAsync(Json.NodeTokenResponse);
        using var old = await Server.GetAsync("/v1/routes", node);
        await old.AssertErrorAsync(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
        using var now = await Server.GetAsync("/v1/routes", node with { NodeToken = fresh.NodeToken });
        Assert.Equal(HttpStatusCode.OK, now.StatusCode);
    }

    [Fact]
    public async Task Deleting_a_node_is_204_revokes_it_and_never_reuses_its_address()
    {
        var node = await Server.CreateNodeAsync(Admin, "gone");
        var before = ClusterVersion();
        using var delete = await Server.SendAsync(HttpMethod.Delete, $"/v1/nodes/{node.NodeId}", Admin);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(before + 1, ClusterVersion());
        using var after = await Server.GetAsync("/v1/routes", node);
        await after.AssertErrorAsync(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
        var next = await Server.CreateNodeAsync(Admin, "next");
        using var list = await Server.GetAsync("/v1/nodes", Admin);
        var addresses = (await list.ReadAsync(Json.NodeListResponse)).Nodes.ToDictionary(n => n.Name, n => n.OverlayIp);
        Assert.Equal("10.42.0.18", addresses["next"]);
        using var again = await Server.SendAsync(HttpMethod.Delete, $"/v1/nodes/{node.NodeId}", Admin);
        await again.AssertErrorAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Another_clusters_node_looks_exactly_like_a_missing_one()
    {
        var otherTenant = Server.Service<NebulaGC.Server.Services.TenantService>().Create("other");
        var otherCluster = Server.Service<NebulaGC.Server.Services.ClusterService>().Create(new CreateClusterRequest(otherTenant.TenantId, "o", null, "external", false, null));
        var foreign = Server.Service<NebulaGC.Server.Services.NodeService>().Create(new AdminCreateNodeRequest(otherTenant.TenantId, otherCluster.ClusterId, "f", false, null, null, null));
        using var foreignDelete = await Server.SendAsync(HttpMethod.Delete, $"/v1/nodes/{foreign.NodeId}", Admin);
        var missingId = Guid.NewGuid();
        using var missingDelete = await Server.SendAsync(HttpMethod.Delete, $"/v1/nodes/{missingId}", Admin);
        Assert.Equal($"node {foreign.NodeId} does not exist", await foreignDelete.AssertErrorAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound));
        Assert.Equal($"node {missingId} does not exist", await missingDelete.AssertErrorAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound));
    }

    [Fact]
    public async Task Lighthouse_flag_requires_a_public_ip_and_keeps_the_port()
    {
        var node = await Server.CreateNodeAsync(Admin, "lh");
        using var missingIp = await Server.PostJsonAsync($"/v1/nodes/{node.NodeId}/lighthouse", Admin, """{"is_lighthouse":true}""");
        await missingIp.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
        using var set = await Server.PostJsonAsync($"/v1/nodes/{node.NodeId}/lighthouse", Admin, """{"is_lighthouse":true,"public_ip":"203.0.113.7","lighthouse_port":4243}""");
        var summary = await set.ReadAsync(Json.NodeSummary);
        Assert.True(summary.IsLighthouse);
        Assert.Equal("203.0.113.7", summary.PublicIp);
        Assert.Equal(4243, summary.LighthousePort);
        using var unset = await Server.PostJsonAsync($"/v1/nodes/{node.NodeId}/lighthouse", Admin, """{"is_lighthouse":false}""");
        var cleared = await unset.ReadAsync(Json.NodeSummary);
        Assert.False(cleared.IsLighthouse);
        Assert.Null(cleared.PublicIp);
    }

    [Fact]
    public async Task Relay_flag_is_set_and_cleared()
    {
        var node = await Server.CreateNodeAsync(Admin, "relay");
        var before = ClusterVersion();
        using var set = await Server.PostJsonAsync($"/v1/nodes/{node.NodeId}/relay", Admin, """{"is_relay":true}""");
        Assert.True((await set.ReadAsync(Json.NodeSummary)).IsRelay);
        using var topology = await Server.GetAsync("/v1/topology", node);
        Assert.Equal("relay", (await topology.ReadAsync(Json.TopologyResponse)).Relays.Single().Name);
        Assert.Equal(before + 1, ClusterVersion());
    }

    [Fact]
    public async Task Body_larger_than_the_json_limit_is_413()
    {
        var huge = $$"""{"name":"x","is_admin":false,"groups":["{{new string('a', 70_000)}}"]}""";
        using var response = await Server.PostJsonAsync(NodesPath, Admin, huge);
        await response.AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.PayloadTooLarge);
    }
}
