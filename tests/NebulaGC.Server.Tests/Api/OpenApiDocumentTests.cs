using System.Text.Json;
using System.Text.Json.Nodes;
using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Api;

public sealed class OpenApiDocumentTests : ServerTestBase
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Fact]
    public async Task Committed_openapi_document_matches_what_the_code_produces()
    {
        using var client = Server.Client();
        var produced = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!.ToJsonString(Indented) + "\n";
        var committedPath = RepositoryPaths.Combine("docs", "api", "openapi.json");
        if (RepositoryPaths.UpdateGolden)
        {
            await File.WriteAllTextAsync(committedPath, produced);
        }
        Assert.True(File.Exists(committedPath), $"{committedPath} is missing; generate it with NEBULAGC_UPDATE_GOLDEN=1");
        var committed = await File.ReadAllTextAsync(committedPath);
        Assert.True(committed == produced, "docs/api/openapi.json drifted from the code; regenerate it with NEBULAGC_UPDATE_GOLDEN=1 and review the diff");
    }

    [Fact]
    public async Task Openapi_document_covers_every_endpoint_of_the_api_and_no_admin_endpoint()
    {
        using var client = Server.Client();
        var paths = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!["paths"]!.AsObject().Select(p => p.Key).ToHashSet();
        foreach (var path in new[]
        {
            "/v1/healthz", "/v1/readyz", "/v1/check-master", "/v1/replicas", "/v1/tenants/{tenantId}/clusters/{clusterId}/nodes", "/v1/nodes",
            "/v1/nodes/{nodeId}/mtu", "/v1/nodes/{nodeId}/token", "/v1/nodes/{nodeId}", "/v1/nodes/{nodeId}/lighthouse", "/v1/nodes/{nodeId}/relay",
            "/v1/cluster/token", "/v1/config/version", "/v1/config/bundle", "/v1/routes", "/v1/routes/all", "/v1/topology",
        })
        {
            Assert.Contains(path, paths);
        }
        Assert.DoesNotContain(paths, p => p.StartsWith("/admin", StringComparison.Ordinal));
    }
}
