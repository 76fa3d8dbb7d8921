using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using NebulaGC.ApiClient;
using NebulaGC.ApiClient.Models;

namespace NebulaGC.ApiClient.Tests;

/// <summary>
/// The client Kiota generates from docs/api/openapi.json at build time, against the real nebulagc-server on loopback: the
/// contract is complete enough that generated code authenticates, sends and reads real calls.
/// </summary>
public sealed class GeneratedClientTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private ServerInstance _server = null!;
    private Dictionary<string, string> _admin = null!;
    private Guid _tenantId;
    private Guid _clusterId;

    public async Task InitializeAsync()
    {
        var db = _dir.Combine("nebulagc.db");
        ServerInstance.Migrate(db);
        _tenantId = Guid.Parse(ServerInstance.Cli(db, "tenant", "create", "--name", "acme").GetProperty("tenant_id").GetString()!);
        var cluster = ServerInstance.Cli(db, "cluster", "create", "--tenant-id", _tenantId.ToString(), "--name", "net", "--overlay-cidr", "10.50.0.0/16");
        _clusterId = Guid.Parse(cluster.GetProperty("cluster_id").GetString()!);
        var clusterToken = cluster.GetProperty("cluster_token").GetString()!;
        var admin = ServerInstance.Cli(db, "node", "create", "--tenant-id", _tenantId.ToString(), "--cluster-id", _clusterId.ToString(),
            "--name", "admin", "--admin", "--cluster-token", clusterToken);
        _admin = Credentials(admin.GetProperty("node_id").GetString()!, admin.GetProperty("node_token").GetString()!, clusterToken);
        _server = new ServerInstance(_dir.Combine("server"), db, "master", "api-client-test");
        await _server.StartAsync();
    }

    public Task DisposeAsync()
    {
        _server.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_generated_client_lists_and_creates_nodes_and_reads_the_config_version_with_the_admin_credentials()
    {
        var admin = Client(_admin);

        var before = await admin.V1.Nodes.GetAsync();
        var only = Assert.Single(before!.Nodes!);
        Assert.Equal(("admin", true, "10.50.0.16"), (only.Name, only.IsAdmin, only.OverlayIp));
        Assert.Equal(1, before.Total);
        var versionBefore = (await admin.V1.Config.Version.GetAsync())!.LatestVersion;

        var created = await admin.V1.Tenants[_tenantId].Clusters[_clusterId].Nodes.PostAsync(new CreateNodeRequest { Name = "worker", IsAdmin = false });
        Assert.False(string.IsNullOrEmpty(created!.NodeToken));
        Assert.Equal("10.50.0.17", created.OverlayIp);

        var after = await admin.V1.Nodes.GetAsync(q => q.QueryParameters.PageSize = 10);
        Assert.Equal(["admin", "worker"], after!.Nodes!.Select(n => n.Name).Order(StringComparer.Ordinal));
        Assert.Equal((2, 10), (after.Total, after.PageSize));
        Assert.True((await admin.V1.Config.Version.GetAsync())!.LatestVersion > versionBefore, "creating a node must bump the config version");

        // The token the generated client received works for the new node's own calls.
        var worker = Client(Credentials(created.NodeId!.Value.ToString(), created.NodeToken!, created.ClusterToken!));
        var routes = await worker.V1.Routes.GetAsync();
        Assert.Empty(routes!.Routes!);
        var refused = await Assert.ThrowsAsync<ErrorResponse>(() => worker.V1.Nodes.GetAsync());
        Assert.Equal((403, "FORBIDDEN"), (refused.ResponseStatusCode, refused.Code));
    }

    [Fact]
    public async Task Without_credentials_the_generated_client_reaches_the_probes_and_gets_the_401_error_shape_elsewhere()
    {
        var anonymous = Client(new Dictionary<string, string>());

        Assert.Equal("ok", (await anonymous.V1.Healthz.GetAsync())!.Status);
        var master = await anonymous.V1.CheckMaster.GetAsync();
        Assert.Equal((true, "api-client-test"), (master!.Master, master.InstanceId));

        var refused = await Assert.ThrowsAsync<ErrorResponse>(() => anonymous.V1.Nodes.GetAsync());
        Assert.Equal((401, "UNAUTHORIZED"), (refused.ResponseStatusCode, refused.Code));
        Assert.False(string.IsNullOrEmpty(refused.Error));
    }

    private Dictionary<string, string> Credentials(string nodeId, string nodeToken, string clusterToken) => new()
    {
        ["X-Nebula-Tenant-ID"] = _tenantId.ToString(),
        ["X-Nebula-Cluster-ID"] = _clusterId.ToString(),
        ["X-Nebula-Node-ID"] = nodeId,
        ["X-Nebula-Node-Token"] = nodeToken,
        ["X-Nebula-Cluster-Token"] = clusterToken,
    };

    private NebulaGCApiClient Client(Dictionary<string, string> headers) =>
        new(new HttpClientRequestAdapter(new HeaderCredentials(headers)) { BaseUrl = _server.Url.ToString().TrimEnd('/') });

    /// <summary>The five apiKey header schemes of the contract, presented together on every request.</summary>
    private sealed class HeaderCredentials(Dictionary<string, string> headers) : IAuthenticationProvider
    {
        public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null,
            CancellationToken cancellationToken = default)
        {
            foreach (var (name, value) in headers)
            {
                request.Headers.Add(name, value);
            }
            return Task.CompletedTask;
        }
    }
}
