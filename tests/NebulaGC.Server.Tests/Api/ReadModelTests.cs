using System.Net;
using System.Net.Http.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Data;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Security;
using NebulaGC.Server.Services;
using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Api;

/// <summary>
/// The hot path reads clusters, nodes and versions from memory (ReadModel). Every test first makes the server cache what it
/// is about to change (a successful request), then changes it — through the API, on the master while a replica serves,
/// or from another process on the same file — and checks the very next request already sees the change.
/// </summary>
public sealed class ReadModelTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestServer _master = null!;
    private Credentials _admin = null!;

    private string DbPath => _dir.Combine("nebulagc.db");

    public async Task InitializeAsync()
    {
        _master = await TestServer.StartAsync(DbPath);
        _admin = _master.Bootstrap();
    }

    public async Task DisposeAsync()
    {
        await _master.DisposeAsync();
        _dir.Dispose();
    }

    private static async Task<HttpStatusCode> VersionStatusAsync(TestServer server, Credentials node)
    {
        using var response = await server.GetAsync("/v1/config/version", node);
        return response.StatusCode;
    }

    private static async Task<long> VersionAsync(TestServer server, Credentials node)
    {
        using var response = await server.GetAsync("/v1/config/version", node);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ConfigVersionResponse))!.LatestVersion;
    }

    [Fact]
    public async Task A_deleted_node_is_refused_on_the_very_next_request()
    {
        var node = await _master.CreateNodeAsync(_admin, "worker");
        Assert.Equal(HttpStatusCode.OK, await VersionStatusAsync(_master, node));

        using (var deleted = await _master.SendAsync(HttpMethod.Delete, $"/v1/nodes/{node.NodeId}", _admin))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await VersionStatusAsync(_master, node));
    }

    [Fact]
    public async Task A_rotated_node_token_is_refused_on_the_very_next_request_and_the_new_one_accepted()
    {
        var node = await _master.CreateNodeAsync(_admin, "worker");
        Assert.Equal(HttpStatusCode.OK, await VersionStatusAsync(_master, node));

        using var rotated = await _master.SendAsync(HttpMethod.Post, $"/v1/nodes/{node.NodeId}/token", _admin);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var token = (await rotated.Content.ReadFromJsonAsync(ContractsJsonContext.Default.NodeTokenResponse))!.NodeToken;

        Assert.Equal(HttpStatusCode.Unauthorized, await VersionStatusAsync(_master, node));
        Assert.Equal(HttpStatusCode.OK, await VersionStatusAsync(_master, node with { NodeToken = token }));
    }

    [Fact]
    public async Task A_version_read_after_a_change_returned_is_the_changed_version()
    {
        var node = await _master.CreateNodeAsync(_admin, "worker");
        var before = await VersionAsync(_master, node);

        using (var changed = await _master.SendAsync(HttpMethod.Patch, $"/v1/nodes/{node.NodeId}/mtu", _admin,
                   JsonContent.Create(new UpdateMtuRequest(1400), ContractsJsonContext.Default.UpdateMtuRequest)))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }
        Assert.True(await VersionAsync(_master, node) > before);
    }

    [Fact]
    public async Task A_replica_refuses_a_node_the_master_deleted_or_re_keyed_on_the_very_next_request()
    {
        var doomed = await _master.CreateNodeAsync(_admin, "doomed");
        var rekeyed = await _master.CreateNodeAsync(_admin, "rekeyed");
        await using var replica = await TestServer.StartAsync(DbPath, ServerRole.Replica, instanceId: "cp-replica");
        Assert.Equal(HttpStatusCode.OK, await VersionStatusAsync(replica, doomed));
        Assert.Equal(HttpStatusCode.OK, await VersionStatusAsync(replica, rekeyed));
        var version = await VersionAsync(replica, rekeyed);

        using (var deleted = await _master.SendAsync(HttpMethod.Delete, $"/v1/nodes/{doomed.NodeId}", _admin))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using var rotated = await _master.SendAsync(HttpMethod.Post, $"/v1/nodes/{rekeyed.NodeId}/token", _admin);
        var token = (await rotated.Content.ReadFromJsonAsync(ContractsJsonContext.Default.NodeTokenResponse))!.NodeToken;

        // The replica made none of these changes: it sees them only because the file changed under it.
        Assert.Equal(HttpStatusCode.Unauthorized, await VersionStatusAsync(replica, doomed));
        Assert.Equal(HttpStatusCode.Unauthorized, await VersionStatusAsync(replica, rekeyed));
        Assert.True(await VersionAsync(replica, rekeyed with { NodeToken = token }) > version);
    }

    [Fact]
    public async Task A_node_deleted_by_another_process_on_the_same_file_is_refused_on_the_very_next_request()
    {
        var node = await _master.CreateNodeAsync(_admin, "worker");
        Assert.Equal(HttpStatusCode.OK, await VersionStatusAsync(_master, node));

        // What `nebulagc-server node delete --db` does: its own Database and services on the file, no word to the server.
        var elsewhere = ServiceContext.Create(new Database(DbPath, readOnly: false), HmacSecret.FromString(TestServer.Secret), TimeProvider.System, new ConfigVersionFeed());
        new NodeService(elsewhere).Delete(node.ClusterId, node.NodeId);

        Assert.Equal(HttpStatusCode.Unauthorized, await VersionStatusAsync(_master, node));
    }
}
