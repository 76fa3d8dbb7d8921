using System.Net;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Api;

public sealed class HealthEndpointsTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(_dir.Combine("nebulagc.db"), instanceId: "cp-1", publicUrl: "http://cp-1:8080");

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Healthz_answers_ok_without_credentials()
    {
        using var response = await _server.GetAsync("/v1/healthz");
        Assert.Equal("ok", (await response.ReadAsync(ContractsJsonContext.Default.HealthResponse)).Status);
    }

    [Fact]
    public async Task Readyz_answers_ok_on_a_migrated_master()
    {
        using var response = await _server.GetAsync("/v1/readyz");
        Assert.Equal("ok", (await response.ReadAsync(ContractsJsonContext.Default.HealthResponse)).Status);
    }

    [Fact]
    public async Task Check_master_reports_role_instance_and_epoch()
    {
        using var response = await _server.GetAsync("/v1/check-master");
        var body = await response.ReadAsync(ContractsJsonContext.Default.CheckMasterResponse);
        Assert.True(body.Master);
        Assert.Equal("cp-1", body.InstanceId);
        Assert.Equal(1, body.Epoch);
    }

    [Fact]
    public async Task Replicas_lists_the_master_registered_at_startup()
    {
        using var response = await _server.GetAsync("/v1/replicas");
        var body = await response.ReadAsync(ContractsJsonContext.Default.ReplicasResponse);
        var self = Assert.Single(body.Instances);
        Assert.Equal("cp-1", self.InstanceId);
        Assert.Equal("http://cp-1:8080", self.Address);
        Assert.Equal("master", self.Role);
        Assert.True(self.Healthy);
    }

    [Fact]
    public async Task Replica_entry_turns_unhealthy_when_its_heartbeats_stop()
    {
        _server.Time.Advance(TimeSpan.FromSeconds(31));
        _server.Service<NebulaGC.Server.Services.ReplicaService>().Record("cp-gone", "http://cp-gone:8080", "replica");
        _server.Time.Advance(TimeSpan.FromSeconds(31));
        using var response = await _server.GetAsync("/v1/replicas");
        var body = await response.ReadAsync(ContractsJsonContext.Default.ReplicasResponse);
        Assert.False(body.Instances.Single(i => i.InstanceId == "cp-gone").Healthy);
    }

    [Fact]
    public async Task Unknown_path_is_a_json_404_with_a_request_id()
    {
        using var response = await _server.GetAsync("/v1/nope");
        await response.AssertErrorAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Request_id_given_by_the_caller_is_echoed()
    {
        using var response = await _server.SendAsync(HttpMethod.Get, "/v1/healthz", null, configure: r => r.Headers.Add(NebulaHeaders.RequestId, "abc-123"));
        Assert.Equal("abc-123", response.Headers.GetValues(NebulaHeaders.RequestId).Single());
    }

    [Fact]
    public async Task Request_id_with_unsafe_characters_is_replaced()
    {
        using var response = await _server.SendAsync(HttpMethod.Get, "/v1/healthz", null, configure: r => r.Headers.TryAddWithoutValidation(NebulaHeaders.RequestId, "a b<script>"));
        var id = response.Headers.GetValues(NebulaHeaders.RequestId).Single();
        Assert.NotEqual("a b<script>", id);
        Assert.Matches("^[0-9a-f]{32}$", id);
    }
}
