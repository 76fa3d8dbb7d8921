using System.Net;
using System.Text;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Tests.Api;

namespace NebulaGC.Server.Tests.Security;

/// <summary>Regression tests for the input findings of issue 15 (names, IP spellings, HTTP semantics, JSON strictness).</summary>
public sealed class StrictInputTests : ServerTestBase
{
    private static ContractsJsonContext Json => ContractsJsonContext.Default;

    private string NodesPath => $"/v1/tenants/{Admin.TenantId}/clusters/{Admin.ClusterId}/nodes";

    [Theory]
    [InlineData("{\"name\":\"evil\\n\",\"is_admin\":false}")]
    [InlineData("{\"name\":\"ok\",\"is_admin\":false,\"groups\":[\"grp\\n\"]}")]
    public async Task A_name_or_group_with_a_trailing_newline_is_400_and_no_node_is_created(string body)
    {
        var before = ClusterVersion();
        using var response = await Server.PostJsonAsync(NodesPath, Admin, body);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
        Assert.Equal(before, ClusterVersion());
    }

    [Theory]
    [InlineData("evil\n")]
    [InlineData("evil\r\n")]
    [InlineData("\nevil")]
    public void Names_must_match_to_the_end_of_input(string name) =>
        Assert.Throws<InvalidInput>(() => Validation.Name(name, "node"));

    [Theory]
    [InlineData("010.1.1.1")]
    [InlineData("16909060")]
    [InlineData("0x7f.1")]
    [InlineData("1")]
    [InlineData("127.1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("[2001:db8::1]")]
    [InlineData("::ffff:010.1.1.1")]
    [InlineData(" 10.1.1.1")]
    public async Task A_lighthouse_public_ip_in_a_legacy_or_zoned_spelling_is_400_and_changes_nothing(string ip)
    {
        var node = await Server.CreateNodeAsync(Admin, "lh");
        var before = ClusterVersion();
        using var response = await Server.PostJsonAsync($"/v1/nodes/{node.NodeId}/lighthouse", Admin, $$"""{"is_lighthouse":true,"public_ip":"{{ip}}"}""");
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
        Assert.Equal(before, ClusterVersion());
    }

    [Theory]
    [InlineData("2001:DB8:0:0::7", "2001:db8::7")]
    [InlineData("2001:0db8::0007", "2001:db8::7")]
    [InlineData("203.0.113.7", "203.0.113.7")]
    public async Task An_accepted_public_ip_is_stored_in_canonical_form(string written, string canonical)
    {
        var node = await Server.CreateNodeAsync(Admin, "lh");
        using var response = await Server.PostJsonAsync($"/v1/nodes/{node.NodeId}/lighthouse", Admin, $$"""{"is_lighthouse":true,"public_ip":"{{written}}"}""");
        Assert.Equal(canonical, (await response.ReadAsync(Json.NodeSummary)).PublicIp);
    }

    [Theory]
    [InlineData("010.0.0.0/8")]
    [InlineData("0xa.0.0.0/8")]
    [InlineData("167772160/8")]
    [InlineData("10.0/16")]
    [InlineData("10.0.0.0/08")]
    [InlineData("10.0.0.0/+8")]
    [InlineData("10.0.0.0/8\n")]
    public async Task A_route_in_a_legacy_spelling_is_400_and_changes_nothing(string route)
    {
        var before = ClusterVersion();
        using var response = await Server.PostJsonAsync("/v1/routes", Admin, $$"""{"routes":["{{route.Replace("\n", "\\n", StringComparison.Ordinal)}}"]}""");
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
        Assert.Equal(before, ClusterVersion());
    }

    [Fact]
    public async Task A_wrong_method_on_a_known_path_is_405_with_the_json_error_shape()
    {
        using var response = await Server.SendAsync(HttpMethod.Put, "/v1/routes", Admin, new StringContent("{}", Encoding.UTF8, "application/json"));
        await response.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, ErrorCodes.BadRequest);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task A_json_endpoint_given_another_content_type_is_415_and_changes_nothing(string? contentType)
    {
        var node = await Server.CreateNodeAsync(Admin, "relay");
        var before = ClusterVersion();
        var content = new ByteArrayContent("""{"is_relay":true}"""u8.ToArray());
        if (contentType is not null)
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }
        using var response = await Server.SendAsync(HttpMethod.Post, $"/v1/nodes/{node.NodeId}/relay", Admin, content);
        await response.AssertErrorAsync(HttpStatusCode.UnsupportedMediaType, ErrorCodes.BadRequest);
        Assert.Equal(before, ClusterVersion());
    }

    [Fact]
    public async Task An_unknown_path_is_still_404_with_the_json_error_shape()
    {
        using var response = await Server.GetAsync("/v1/no-such-thing", Admin);
        await response.AssertErrorAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Theory]
    [InlineData("/v1/nodes/{node}/relay", "{}", "is_relay")]
    [InlineData("/v1/nodes/{node}/lighthouse", "{\"public_ip\":\"203.0.113.7\"}", "is_lighthouse")]
    [InlineData("/v1/nodes/{node}/relay", "{\"is_relay\":null}", "is_relay")]
    [InlineData("/v1/nodes/{node}/relay", "{\"is_relay\":false,\"is_relay\":true}", "is_relay")]
    [InlineData("/v1/routes", "{\"routes\":[],\"routes\":[\"10.9.0.0/16\"]}", "routes")]
    public async Task A_missing_null_or_duplicated_required_field_is_400_naming_the_field_and_changes_nothing(string path, string body, string field)
    {
        var node = await Server.CreateNodeAsync(Admin, "target");
        var before = ClusterVersion();
        using var response = await Server.PostJsonAsync(path.Replace("{node}", node.NodeId.ToString(), StringComparison.Ordinal), Admin, body);
        var message = await response.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
        Assert.Contains(field, message, StringComparison.Ordinal);
        Assert.Equal(before, ClusterVersion());
    }

    [Fact]
    public async Task Create_node_without_is_admin_is_400_naming_the_field()
    {
        using var response = await Server.PostJsonAsync(NodesPath, Admin, """{"name":"no-flag"}""");
        var message = await response.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
        Assert.Contains("is_admin", message, StringComparison.Ordinal);
    }
}
