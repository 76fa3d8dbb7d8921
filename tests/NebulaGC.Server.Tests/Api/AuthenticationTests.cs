using System.Net;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Api;

public sealed class AuthenticationTests : ServerTestBase
{
    public static TheoryData<string, string> FailureCases() => new()
    {
        { "missing-node-token", "missing header X-Nebula-Node-Token" },
        { "missing-cluster-token", "missing header X-Nebula-Cluster-Token" },
        { "malformed-tenant", "malformed X-Nebula-Tenant-ID" },
        { "malformed-cluster", "malformed X-Nebula-Cluster-ID" },
        { "malformed-node", "malformed X-Nebula-Node-ID" },
        { "unknown-cluster", "unknown cluster" },
        { "wrong-tenant", "cluster does not belong to the tenant" },
        { "wrong-cluster-token", "cluster token mismatch" },
        { "unknown-node", "unknown node in cluster" },
        { "wrong-node-token", "node token mismatch" },
        { "short-node-token", "node token mismatch" },
    };

    [Theory]
    [MemberData(nameof(FailureCases))]
    public async Task Every_failure_gives_the_same_401_body_while_the_log_names_the_reason(string variant, string reason)
    {
        var wrongToken = NebulaGC.Server.Security.TokenService.Generate();
        using var response = await Server.SendAsync(HttpMethod.Get, "/v1/config/version", null, configure: request =>
        {
            var c = Admin;
            void Set(string header, string? value)
            {
                if (value is not null)
                {
                    request.Headers.TryAddWithoutValidation(header, value);
                }
            }
            Set(NebulaHeaders.TenantId, variant switch { "malformed-tenant" => "not-a-guid", "wrong-tenant" => Guid.NewGuid().ToString(), _ => c.TenantId.ToString() });
            Set(NebulaHeaders.ClusterId, variant switch { "malformed-cluster" => "x", "unknown-cluster" => Guid.NewGuid().ToString(), _ => c.ClusterId.ToString() });
            Set(NebulaHeaders.NodeId, variant switch { "malformed-node" => "1234", "unknown-node" => Guid.NewGuid().ToString(), _ => c.NodeId.ToString() });
            Set(NebulaHeaders.NodeToken, variant switch { "missing-node-token" => null, "wrong-node-token" => wrongToken, "short-node-token" => c.NodeToken[..20], _ => c.NodeToken });
            Set(NebulaHeaders.ClusterToken, variant switch { "missing-cluster-token" => null, "wrong-cluster-token" => wrongToken, _ => c.ClusterToken });
        });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":"Authentication failed","code":"UNAUTHORIZED"}""", await response.Content.ReadAsStringAsync());
        var warning = Server.Logs.Split('\n').Single(line => line.Contains("Authentication failed: {Reason}"));
        Assert.Contains($"\"Reason\":\"{reason}\"", warning);
        Assert.Contains("\"@l\":\"Warning\"", warning);
        Assert.Contains("\"RemoteIp\":\"127.0.0.1\"", warning);
        Assert.Contains("\"Path\":\"/v1/config/version\"", warning);
        Assert.Contains($"\"NodeTokenFingerprint\":\"{(variant == "missing-node-token" ? "none" : NebulaGC.Server.Security.TokenService.Fingerprint(variant switch { "wrong-node-token" => wrongToken, "short-node-token" => Admin.NodeToken[..20], _ => Admin.NodeToken }))}\"", warning);
        Assert.DoesNotContain(Admin.NodeToken, Server.Logs);
        Assert.DoesNotContain(Admin.ClusterToken, Server.Logs);
        Assert.DoesNotContain(wrongToken, Server.Logs);
    }

    [Fact]
    public async Task A_correct_request_is_authenticated()
    {
        using var response = await Server.GetAsync("/v1/config/version", Admin);
        // The cluster starts at version 1; creating the admin node moved it to 2.
        Assert.Equal(2, (await response.ReadAsync(ContractsJsonContext.Default.ConfigVersionResponse)).LatestVersion);
    }
}
