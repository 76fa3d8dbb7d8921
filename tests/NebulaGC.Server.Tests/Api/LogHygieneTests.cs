using System.Net.Http.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Api;

public sealed class LogHygieneTests : ServerTestBase
{
    /// <summary>Drives every endpoint, successes and failures, at debug level, collecting every token that crossed the wire.</summary>
    [Fact]
    public async Task Debug_log_of_a_session_through_every_endpoint_contains_no_token()
    {
        var tokens = new List<string> { Admin.NodeToken, Admin.ClusterToken };
        var node = await Server.CreateNodeAsync(Admin, "worker");
        tokens.Add(node.NodeToken);
        using (var rotate = await Server.PostJsonAsync($"/v1/nodes/{node.NodeId}/token", Admin, ""))
        {
            tokens.Add((await rotate.Content.ReadFromJsonAsync(ContractsJsonContext.Default.NodeTokenResponse))!.NodeToken);
        }
        string newClusterToken;
        using (var rotate = await Server.PostJsonAsync("/v1/cluster/token", Admin, """{"grace_seconds":60}"""))
        {
            newClusterToken = (await rotate.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ClusterTokenResponse))!.ClusterToken;
            tokens.Add(newClusterToken);
        }
        var wrong = NebulaGC.Server.Security.TokenService.Generate();
        tokens.Add(wrong);
        foreach (var (method, path, body) in new (HttpMethod, string, string?)[]
        {
            (HttpMethod.Get, "/v1/nodes", null), (HttpMethod.Get, "/v1/config/version", null), (HttpMethod.Get, "/v1/config/bundle", null),
            (HttpMethod.Post, "/v1/routes", """{"routes":["10.1.0.0/16"]}"""), (HttpMethod.Get, "/v1/routes", null), (HttpMethod.Get, "/v1/routes/all", null),
            (HttpMethod.Get, "/v1/topology", null), (HttpMethod.Patch, $"/v1/nodes/{node.NodeId}/mtu", """{"mtu":1400}"""),
            (HttpMethod.Post, $"/v1/nodes/{node.NodeId}/relay", """{"is_relay":true}"""), (HttpMethod.Post, "/v1/routes", "{broken"),
        })
        {
            using var ok = await Server.SendAsync(method, path, Admin, body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            using var bad = await Server.SendAsync(method, path, Admin with { NodeToken = wrong, ClusterToken = newClusterToken }, body is null ? null : new StringContent(body));
        }
        using (await Server.SendAsync(HttpMethod.Post, "/v1/config/bundle", Admin, new ByteArrayContent(BundleFactory.Valid())))
        using (await Server.SendAsync(HttpMethod.Delete, $"/v1/nodes/{node.NodeId}", Admin))
        {
        }

        var log = Server.Logs;
        Assert.Contains("Authentication failed", log);
        foreach (var token in tokens)
        {
            Assert.DoesNotContain(token, log);
        }
    }
}
