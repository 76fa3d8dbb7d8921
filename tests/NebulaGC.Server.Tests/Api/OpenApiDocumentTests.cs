using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using NebulaGC.Server.Api.Pipeline;
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

    [Fact]
    public async Task Every_operation_has_an_operation_id_and_no_two_share_one()
    {
        var operations = Operations(await ProducedAsync()).ToList();
        var missing = operations.Where(o => string.IsNullOrEmpty(o.Operation["operationId"]?.GetValue<string>())).Select(o => o.Name).ToList();
        Assert.True(missing.Count == 0, $"operations without an operationId: {string.Join(", ", missing)}");
        var shared = operations.GroupBy(o => o.Operation["operationId"]!.GetValue<string>()).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(o => o.Name))}").ToList();
        Assert.True(shared.Count == 0, $"operationIds used more than once: {string.Join("; ", shared)}");
        Assert.True(operations.Count >= 21, $"only {operations.Count} operations in the document");
    }

    [Theory]
    [InlineData("GET", "v1/healthz", "getHealthz")]
    [InlineData("GET", "v1/check-master", "getCheckMaster")]
    [InlineData("PATCH", "v1/nodes/{nodeId}/mtu", "patchNodesByNodeIdMtu")]
    [InlineData("DELETE", "v1/nodes/{nodeId:guid}", "deleteNodesByNodeId")]
    [InlineData("POST", "v1/tenants/{tenantId}/clusters/{clusterId}/nodes", "postTenantsByTenantIdClustersByClusterIdNodes")]
    [InlineData("POST", "v1/internal/heartbeat", "postInternalHeartbeat")]
    public void An_operation_id_is_the_method_then_the_route_after_the_version_in_pascal_case(string method, string route, string expected) =>
        Assert.Equal(expected, ApiDocument.OperationId(method, route));

    [Fact]
    public async Task Authenticated_operations_require_the_five_credential_headers_together_the_heartbeat_its_signature_and_the_probes_nothing()
    {
        var document = await ProducedAsync();
        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        foreach (var (header, _) in ApiDocument.NodeCredentials.Concat(ApiDocument.HeartbeatSignature))
        {
            var scheme = schemes[header]!;
            Assert.Equal(("apiKey", "header", header), (scheme["type"]!.GetValue<string>(), scheme["in"]!.GetValue<string>(), scheme["name"]!.GetValue<string>()));
        }
        var nodeCredentials = ApiDocument.NodeCredentials.Select(c => c.Header).Order(StringComparer.Ordinal).ToList();
        var heartbeat = ApiDocument.HeartbeatSignature.Select(c => c.Header).Order(StringComparer.Ordinal).ToList();
        using var client = Server.Client();
        var anonymous = new List<string>();
        foreach (var (name, path, method, operation) in Operations(document))
        {
            var security = Assert.IsType<JsonArray>(operation["security"], exactMatch: false);
            if (security.Count == 0)
            {
                // Documented as needing nothing: it answers a caller with no credential header at all.
                anonymous.Add(name);
                using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name} is documented as anonymous but answered {(int)response.StatusCode}");
                continue;
            }
            var requirement = Assert.Single(security).AsObject().Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
            Assert.True(requirement.SequenceEqual(path.StartsWith("/v1/internal/", StringComparison.Ordinal) ? heartbeat : nodeCredentials),
                $"{name} requires {string.Join(", ", requirement)}");
            Assert.True(operation["responses"]!["401"] is not null, $"{name} requires credentials but does not document 401");
        }
        Assert.Equal(["GET /v1/healthz", "GET /v1/readyz", "GET /v1/check-master", "GET /v1/replicas"], anonymous);
    }

    [Fact]
    public async Task An_anonymous_probe_answers_request_headers_over_the_limit_with_its_documented_431()
    {
        var healthz = Operations(await ProducedAsync()).Single(o => o.Name == "GET /v1/healthz").Operation;
        Assert.NotNull(healthz["responses"]!["431"]);
        using var client = Server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/healthz");
        request.Headers.Add("X-Padding", new string('a', 40 * 1024));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    private async Task<JsonNode> ProducedAsync()
    {
        using var client = Server.Client();
        return JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
    }

    private static IEnumerable<(string Name, string Path, string Method, JsonObject Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Select(op => ($"{op.Key.ToUpperInvariant()} {path.Key}", path.Key, op.Key.ToUpperInvariant(), op.Value!.AsObject())));
}
