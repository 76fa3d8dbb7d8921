using System.Net;
using System.Net.Http.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Data;
using NebulaGC.Server.Security;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Tests.Api;

public sealed class LongPollTests : ServerTestBase
{
    private static ContractsJsonContext Json => ContractsJsonContext.Default;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private ConfigVersionWaiters Waiters => Server.Service<ConfigVersionWaiters>();

    /// <summary>Waits until <paramref name="count"/> requests wait on the admin's cluster (each subscribed after computing its deadline).</summary>
    private Task WaitersAsync(int count) =>
        Wait.UntilAsync(() => Waiters.CountWaiting(Admin.ClusterId) == count, Patience,
            () => $"{Waiters.CountWaiting(Admin.ClusterId)} of {count} long-polls are waiting");

    private async Task<long> VersionAsync(Credentials who, string query = "")
    {
        using var response = await Server.GetAsync($"/v1/config/version{query}", who);
        return (await response.ReadAsync(Json.ConfigVersionResponse)).LatestVersion;
    }

    [Fact]
    public async Task Without_wait_the_version_is_returned_at_once()
    {
        Assert.Equal(ClusterVersion(), await VersionAsync(Admin, $"?current_version={ClusterVersion()}"));
    }

    [Fact]
    public async Task A_waiting_request_returns_the_new_version_when_a_change_commits()
    {
        var current = ClusterVersion();
        var poll = VersionAsync(Admin, $"?current_version={current}&wait=60");
        await WaitersAsync(1);
        Assert.False(poll.IsCompleted, "the long-poll must wait while the version is unchanged");
        await Server.CreateNodeAsync(Admin, "trigger");
        Assert.Equal(current + 1, await poll.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_waiting_request_returns_the_unchanged_version_when_the_wait_ends()
    {
        var current = ClusterVersion();
        var poll = VersionAsync(Admin, $"?current_version={current}&wait=30");
        await WaitersAsync(1);
        Assert.False(poll.IsCompleted);
        Server.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(current, await poll.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_stale_current_version_returns_at_once()
    {
        Assert.Equal(ClusterVersion(), await VersionAsync(Admin, "?current_version=0&wait=60").WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_change_made_by_another_process_on_the_database_wakes_waiters()
    {
        var current = ClusterVersion();
        var poll = VersionAsync(Admin, $"?current_version={current}&wait=60");
        await WaitersAsync(1);
        // The CLI writing the file directly: nothing in the server's process announces this change.
        var outsider = ServiceContext.Create(new Database(Server.Options.DbPath, readOnly: false), HmacSecret.FromString(TestServer.Secret), TimeProvider.System, new ConfigVersionFeed());
        new NodeService(outsider).Create(new AdminCreateNodeRequest(Admin.TenantId, Admin.ClusterId, "from-cli", false, null, null, null));
        // One poller tick: it reads the waited cluster's version and wakes its waiters.
        Server.Time.Advance(ConfigVersionPoller.Interval);
        Assert.Equal(current + 1, await poll.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("?current_version=1&wait=61")]
    [InlineData("?current_version=1&wait=-1")]
    [InlineData("?wait=10")]
    public async Task Invalid_wait_is_400(string query)
    {
        using var response = await Server.GetAsync($"/v1/config/version{query}", Admin);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
    }

    [Fact]
    public async Task A_thousand_concurrent_waiters_all_wake_on_one_change()
    {
        var nodes = new List<Credentials>();
        for (var i = 0; i < 20; i++)
        {
            nodes.Add(await Server.CreateNodeAsync(Admin, $"w{i}"));
        }
        var current = ClusterVersion();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 2000 }) { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(90) };
        var polls = Enumerable.Range(0, 1000).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/config/version?current_version={current}&wait=60");
            nodes[i % nodes.Count].Apply(request);
            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync(Json.ConfigVersionResponse))!.LatestVersion;
        }).ToList();
        await WaitersAsync(1000);
        Assert.DoesNotContain(polls, p => p.IsCompleted);
        await Server.CreateNodeAsync(Admin, "change");
        var versions = await Task.WhenAll(polls).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(versions, v => Assert.Equal(current + 1, v));
    }
}
