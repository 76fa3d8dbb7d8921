using System.Net;
using System.Security.Cryptography;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Cli;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Api;

public sealed class ReplicaTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestServer _master = null!;
    private Credentials _admin = null!;

    private string DbPath => _dir.Combine("nebulagc.db");

    public async Task InitializeAsync()
    {
        _master = await TestServer.StartAsync(DbPath, instanceId: "cp-master", publicUrl: "https://cp-master.example:8080");
        _admin = _master.Bootstrap();
    }

    public async Task DisposeAsync()
    {
        await _master.DisposeAsync();
        _dir.Dispose();
    }

    private string DatabaseFingerprint() =>
        string.Join("|", new[] { DbPath, DbPath + "-wal" }.Where(File.Exists).Select(f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))));

    [Fact]
    public async Task Replica_on_the_masters_file_serves_reads_refuses_every_write_and_never_changes_the_file()
    {
        var node = await _master.CreateNodeAsync(_admin, "worker");
        var fingerprint = DatabaseFingerprint();
        var socket = _dir.Combine("replica.sock");
        await using var replica = await TestServer.StartAsync(DbPath, ServerRole.Replica, instanceId: "cp-replica", adminSocket: socket);

        using (var checkMaster = await replica.GetAsync("/v1/check-master"))
        {
            var body = await checkMaster.ReadAsync(ContractsJsonContext.Default.CheckMasterResponse);
            Assert.False(body.Master);
            Assert.Equal("cp-replica", body.InstanceId);
            Assert.Equal(1, body.Epoch);
        }
        using (var list = await replica.GetAsync("/v1/nodes", _admin))
        {
            Assert.Equal(2, (await list.ReadAsync(ContractsJsonContext.Default.NodeListResponse)).Total);
        }
        using (var version = await replica.GetAsync("/v1/config/version", node))
        {
            Assert.Equal(HttpStatusCode.OK, version.StatusCode);
        }
        using (var ready = await replica.GetAsync("/v1/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        var writes = new (HttpMethod Method, string Path, string Body)[]
        {
            (HttpMethod.Post, $"/v1/tenants/{_admin.TenantId}/clusters/{_admin.ClusterId}/nodes", """{"name":"x","is_admin":false}"""),
            (HttpMethod.Patch, $"/v1/nodes/{node.NodeId}/mtu", """{"mtu":1400}"""),
            (HttpMethod.Post, $"/v1/nodes/{node.NodeId}/token", ""),
            (HttpMethod.Delete, $"/v1/nodes/{node.NodeId}", ""),
            (HttpMethod.Post, $"/v1/nodes/{node.NodeId}/lighthouse", """{"is_lighthouse":false}"""),
            (HttpMethod.Post, $"/v1/nodes/{node.NodeId}/relay", """{"is_relay":true}"""),
            (HttpMethod.Post, "/v1/cluster/token", "{}"),
            (HttpMethod.Post, "/v1/config/bundle", ""),
            (HttpMethod.Post, "/v1/routes", """{"routes":[]}"""),
            (HttpMethod.Post, $"/v1/routes/{node.NodeId}/approve", """{"routes":["192.168.1.0/24"]}"""),
            (HttpMethod.Post, $"/v1/routes/{node.NodeId}/reject", """{"routes":["192.168.1.0/24"]}"""),
        };
        foreach (var (method, path, body) in writes)
        {
            using var response = await replica.SendAsync(method, path, _admin, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{method} {path} answered {(int)response.StatusCode}");
            Assert.Equal("replica is read-only; run on the master", await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, ErrorCodes.ReplicaReadOnly));
            Assert.Equal("https://cp-master.example:8080", response.Headers.GetValues(NebulaHeaders.MasterUrl).Single());
        }

        using var superAdmin = new SocketSuperAdmin(socket);
        Assert.Equal("replica", superAdmin.Status().Role);
        Assert.Equal(2, superAdmin.ListNodes(_admin.TenantId, _admin.ClusterId).Count);
        var refused = Assert.Throws<CliError>(() => superAdmin.CreateTenant("nope"));
        Assert.Equal("replica is read-only; run on the master", refused.Message);
        var refusedPolicy = Assert.Throws<CliError>(() => superAdmin.SetRoutePolicy(new SetRoutePolicyRequest(_admin.ClusterId, ["192.168.0.0/16"])));
        Assert.Equal("replica is read-only; run on the master", refusedPolicy.Message);
        var refusedApproval = Assert.Throws<CliError>(() => superAdmin.ApproveRoutes(new AdminRoutesRequest(_admin.ClusterId, node.NodeId, ["192.168.1.0/24"])));
        Assert.Equal("replica is read-only; run on the master", refusedApproval.Message);

        Assert.Equal(fingerprint, DatabaseFingerprint());
    }

    [Fact]
    public async Task Replica_refuses_to_start_on_a_database_with_another_schema_version()
    {
        var other = _dir.Combine("empty.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={other}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE t (x INTEGER);";
            command.ExecuteNonQuery();
        }
        var error = await Assert.ThrowsAsync<SchemaMismatch>(() => TestServer.StartAsync(other, ServerRole.Replica, instanceId: "r"));
        Assert.Contains("schema version 0", error.Message);
    }
}
