using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Cli;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Ha;

namespace NebulaGC.Server.Tests.Ha;

/// <summary>Roles, fencing and failover with real servers on one shared SQLite file.</summary>
public sealed class HaTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly int _masterPort = FreePort.Tcp();
    private TestServer _master = null!;
    private TestServer _replica = null!;
    private Credentials _admin = null!;

    private string DbPath => _dir.Combine("nebulagc.db");

    private string MasterUrl => $"http://127.0.0.1:{_masterPort}";

    public async Task InitializeAsync()
    {
        _master = await TestServer.StartAsync(DbPath, instanceId: "cp-a", publicUrl: MasterUrl, listen: $"127.0.0.1:{_masterPort}", adminSocket: _dir.Combine("a.sock"));
        _admin = _master.Bootstrap();
        _replica = await TestServer.StartAsync(DbPath, ServerRole.Replica, instanceId: "cp-b", publicUrl: "http://127.0.0.1:1", adminSocket: _dir.Combine("b.sock"));
    }

    public async Task DisposeAsync()
    {
        await _replica.DisposeAsync();
        await _master.DisposeAsync();
        _dir.Dispose();
    }

    private static async Task<bool> IsMasterAsync(TestServer server)
    {
        using var response = await server.GetAsync("/v1/check-master");
        return (await response.ReadAsync(ContractsJsonContext.Default.CheckMasterResponse)).Master;
    }

    private Task<HttpResponseMessage> CreateNodeAsync(TestServer server, string name) =>
        server.PostJsonAsync($"/v1/tenants/{_admin.TenantId}/clusters/{_admin.ClusterId}/nodes", _admin, $$"""{"name":"{{name}}","is_admin":false}""");

    [Fact]
    public async Task Demote_then_promote_moves_writes_to_the_new_master_and_never_shows_two_masters()
    {
        using var sampling = new CancellationTokenSource();
        var sampled = 0;
        var samples = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var masters = (await IsMasterAsync(_master) ? 1 : 0) + (await IsMasterAsync(_replica) ? 1 : 0);
                Assert.True(masters <= 1, "two instances reported master: true at once");
                Interlocked.Increment(ref sampled);
            }
        });
        Assert.True(await IsMasterAsync(_master));
        Assert.False(await IsMasterAsync(_replica));

        using var masterAdmin = new SocketSuperAdmin(_dir.Combine("a.sock"));
        using var replicaAdmin = new SocketSuperAdmin(_dir.Combine("b.sock"));
        var demoted = masterAdmin.Demote();
        Assert.False(demoted.Master);
        var promoted = replicaAdmin.Promote();
        Assert.True(promoted.Master);
        Assert.Equal(2, promoted.Epoch);

        using (var onNew = await CreateNodeAsync(_replica, "after-failover"))
        {
            Assert.Equal(HttpStatusCode.Created, onNew.StatusCode);
        }
        using (var onOld = await CreateNodeAsync(_master, "on-old-master"))
        {
            await onOld.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, ErrorCodes.ReplicaReadOnly);
        }
        await _master.Service<HeartbeatService>().BeatAsync(CancellationToken.None);
        using (var redirected = await CreateNodeAsync(_master, "redirected"))
        {
            Assert.Equal("http://127.0.0.1:1", redirected.Headers.GetValues(NebulaHeaders.MasterUrl).Single());
        }
        // Keep sampling through and past the transition before stopping.
        var start = Volatile.Read(ref sampled);
        await Wait.UntilAsync(() => Volatile.Read(ref sampled) >= start + 10 || samples.IsCompleted, TimeSpan.FromSeconds(30),
            () => $"only {Volatile.Read(ref sampled) - start} of 10 samples after the transition");
        sampling.Cancel();
        await samples;
        Assert.False(await IsMasterAsync(_master));
        Assert.True(await IsMasterAsync(_replica));
        Assert.Equal("master", replicaAdmin.Status().Role);
    }

    [Fact]
    public async Task A_master_fenced_by_a_newer_epoch_refuses_writes_at_once_and_reports_it_within_one_heartbeat()
    {
        _replica.Service<HaCoordinator>().Promote();
        using (var write = await CreateNodeAsync(_master, "fenced-write"))
        {
            await write.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, ErrorCodes.ReplicaReadOnly);
        }
        await _master.Service<HeartbeatService>().BeatAsync(CancellationToken.None);
        Assert.False(await IsMasterAsync(_master));
        using var check = await _master.GetAsync("/v1/check-master");
        Assert.Equal(2, (await check.ReadAsync(ContractsJsonContext.Default.CheckMasterResponse)).Epoch);
        Assert.Contains("Fenced: epoch", _master.Logs);
    }

    [Fact]
    public async Task A_master_fenced_at_start_up_by_a_master_that_recorded_no_url_sends_no_heartbeat_to_an_empty_address()
    {
        using var dir = new TempDirectory();
        var db = dir.Combine("nebulagc.db");
        await using var first = await TestServer.StartAsync(db, instanceId: "cp-x", adminSocket: dir.Combine("x.sock"));
        await using var second = await TestServer.StartAsync(db, instanceId: "cp-y", adminSocket: dir.Combine("y.sock"));
        Assert.False(await IsMasterAsync(second));
        Assert.Contains("\"Reason\":\"start-up\"", second.Logs);

        await second.Service<HeartbeatService>().BeatAsync(CancellationToken.None);

        Assert.DoesNotContain("Heartbeat to master", second.Logs);
    }

    [Fact]
    public async Task A_master_that_was_demoted_and_not_fenced_can_be_promoted_back_with_a_new_epoch()
    {
        var ha = _master.Service<HaCoordinator>();
        ha.Demote();
        Assert.Throws<NebulaGC.Server.Domain.NotMaster>(() => ha.Demote());
        var back = ha.Promote();
        Assert.Equal(2, back.Epoch);
        using var write = await CreateNodeAsync(_master, "back");
        Assert.Equal(HttpStatusCode.Created, write.StatusCode);
    }

    [Fact]
    public async Task Replica_heartbeat_reaches_the_masters_registry_and_every_instance_lists_it()
    {
        await _replica.Service<HeartbeatService>().BeatAsync(CancellationToken.None);
        foreach (var server in new[] { _master, _replica })
        {
            using var response = await server.GetAsync("/v1/replicas");
            var instances = (await response.ReadAsync(ContractsJsonContext.Default.ReplicasResponse)).Instances;
            var replica = instances.Single(i => i.InstanceId == "cp-b");
            Assert.Equal("replica", replica.Role);
            Assert.Equal("http://127.0.0.1:1", replica.Address);
            Assert.Contains(instances, i => i.InstanceId == "cp-a" && i.Role == "master");
        }
    }

    [Theory]
    [InlineData("tampered-body")]
    [InlineData("old-timestamp")]
    [InlineData("no-signature")]
    public async Task Forged_heartbeats_are_refused_with_401_and_change_nothing(string forgery)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new HeartbeatRequest("intruder", "http://evil", "replica", 1, 0), ContractsJsonContext.Default.HeartbeatRequest);
        var (timestamp, signature) = _replica.Service<HeartbeatSigner>().Sign(body);
        if (forgery == "tampered-body")
        {
            body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("intruder", "intruders"));
        }
        if (forgery == "old-timestamp")
        {
            timestamp = (long.Parse(timestamp) - 3600).ToString();
        }
        using var response = await _master.SendAsync(HttpMethod.Post, "/v1/internal/heartbeat", null, new ByteArrayContent(body), request =>
        {
            request.Headers.Add(HeartbeatSigner.TimestampHeader, timestamp);
            if (forgery != "no-signature")
            {
                request.Headers.Add(HeartbeatSigner.SignatureHeader, signature);
            }
        });
        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
        using var list = await _master.GetAsync("/v1/replicas");
        Assert.DoesNotContain((await list.ReadAsync(ContractsJsonContext.Default.ReplicasResponse)).Instances, i => i.InstanceId.StartsWith("intruder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Heartbeat_sent_to_a_replica_is_503_naming_the_master()
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new HeartbeatRequest("x", null, "replica", 1, 0), ContractsJsonContext.Default.HeartbeatRequest);
        using var response = await _replica.SendAsync(HttpMethod.Post, "/v1/internal/heartbeat", null, new ByteArrayContent(body));
        await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, ErrorCodes.ReplicaReadOnly);
        Assert.Equal(MasterUrl, response.Headers.GetValues(NebulaHeaders.MasterUrl).Single());
    }

    [Fact]
    public async Task Ha_status_reports_a_data_position_the_replica_shares_once_caught_up()
    {
        using (await CreateNodeAsync(_master, "moves-position"))
        {
        }
        var masterStatus = _master.Service<HaCoordinator>().Status();
        var replicaStatus = _replica.Service<HaCoordinator>().Status();
        Assert.True(masterStatus.DataPosition > 0);
        Assert.Equal(masterStatus.DataPosition, replicaStatus.DataPosition);
        Assert.Equal("cp-a", replicaStatus.MasterInstanceId);
        Assert.Contains(masterStatus.ConfigVersions, v => v.ClusterId == _admin.ClusterId && v.Version == 3);
    }
}
