using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NebulaGC.Client.Http;
using NebulaGC.Daemon.Tests.Support;

namespace NebulaGC.Daemon.Tests;

/// <summary>The HA client against real HTTP servers on 127.0.0.1.</summary>
public sealed class ControlPlaneClientTests : IAsyncLifetime
{
    private static readonly NodeCredentials Credentials = new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), new string('n', 43), new string('c', 43));
    private static readonly ControlPlaneClientOptions Fast = new() { ConnectTimeout = TimeSpan.FromSeconds(1), RequestTimeout = TimeSpan.FromSeconds(1) };
    private readonly List<FakeControlPlane> servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync();
        }
    }

    private async Task<FakeControlPlane> ServerAsync()
    {
        var server = await FakeControlPlane.StartAsync();
        servers.Add(server);
        return server;
    }

    /// <summary>A loopback URL where nothing listens: connections are refused at once.</summary>
    internal static Uri DeadUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    [Fact]
    public async Task A_read_fails_over_from_a_dead_instance_and_then_prefers_the_live_one()
    {
        var live = await ServerAsync();
        live.Publish(3, [1]);
        using var client = new ControlPlaneClient([DeadUrl(), live.Url], Credentials, Fast);

        Assert.Equal(3, await client.GetLatestVersionAsync(null, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(live.Url, client.PreferredUrl);
    }

    [Fact]
    public async Task A_hung_instance_costs_one_request_timeout_not_minutes()
    {
        var hung = await ServerAsync();
        hung.Delay = TimeSpan.FromMinutes(5);
        var live = await ServerAsync();
        live.Publish(5, [1]);
        using var client = new ControlPlaneClient([hung.Url, live.Url], Credentials, Fast);

        var watch = Stopwatch.StartNew();
        Assert.Equal(5, await client.GetLatestVersionAsync(null, TimeSpan.Zero, CancellationToken.None));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task When_every_instance_fails_the_error_names_each_one()
    {
        Uri a = DeadUrl(), b = DeadUrl();
        using var client = new ControlPlaneClient([a, b], Credentials, Fast);
        var e = await Assert.ThrowsAsync<ControlPlaneUnavailableException>(() => client.GetLatestVersionAsync(null, TimeSpan.Zero, CancellationToken.None));
        Assert.Contains(a.ToString(), e.Message);
        Assert.Contains(b.ToString(), e.Message);
        Assert.Contains("GET /v1/config/version", e.Message);
    }

    [Fact]
    public async Task A_write_on_a_replica_follows_the_master_url_of_the_503()
    {
        var master = await ServerAsync();
        master.CertificateStatus = HttpStatusCode.OK;
        var replica = await ServerAsync();
        replica.IsReplica = true;
        replica.MasterUrl = master.Url;
        using var client = new ControlPlaneClient([replica.Url], Credentials, Fast);

        await client.RequestCertificateAsync("PEM", CancellationToken.None);

        Assert.Equal("PEM", master.LastPublicKey);
        Assert.Contains(master.Url, client.KnownUrls);
    }

    [Fact]
    public async Task A_write_finds_the_master_through_check_master_when_no_instance_names_it()
    {
        var replica = await ServerAsync();
        replica.IsReplica = true;
        var master = await ServerAsync();
        master.CertificateStatus = HttpStatusCode.OK;
        using var client = new ControlPlaneClient([replica.Url, DeadUrl(), master.Url], Credentials, Fast);

        await client.RequestCertificateAsync("PEM", CancellationToken.None);

        Assert.Equal("PEM", master.LastPublicKey);
        Assert.Equal(1, master.CertificateRequests);
    }

    [Fact]
    public async Task A_definitive_client_error_is_not_retried_elsewhere()
    {
        var first = await ServerAsync();
        first.CertificateStatus = HttpStatusCode.Conflict;
        var second = await ServerAsync();
        using var client = new ControlPlaneClient([first.Url, second.Url], Credentials, Fast);

        var e = await Assert.ThrowsAsync<ControlPlaneApiException>(() => client.RequestCertificateAsync("PEM", CancellationToken.None));
        Assert.Equal(HttpStatusCode.Conflict, e.Status);
    }

    [Fact]
    public async Task Instances_learned_from_replicas_are_used_when_the_configured_ones_die()
    {
        var configured = await ServerAsync();
        var learned = await ServerAsync();
        learned.Publish(9, [1]);
        configured.Replicas.Add(learned.Url.ToString().TrimEnd('/') + "/v1");
        using var client = new ControlPlaneClient([configured.Url], Credentials, Fast);

        Assert.Equal(1, await client.LearnReplicasAsync(CancellationToken.None));
        await configured.DisposeAsync();
        servers.Remove(configured);

        Assert.Equal(9, await client.GetLatestVersionAsync(null, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(learned.Url, client.PreferredUrl);
    }

    [Fact]
    public async Task A_long_poll_returns_as_soon_as_the_version_moves()
    {
        var server = await ServerAsync();
        server.Publish(1, [1]);
        using var client = new ControlPlaneClient([server.Url], Credentials, Fast);

        var poll = client.GetLatestVersionAsync(1, TimeSpan.FromSeconds(20), CancellationToken.None);
        await Wait.UntilAsync(() => server.WaitingPolls == 1, TimeSpan.FromSeconds(10), () => "the client's long-poll is not waiting on the server");
        Assert.False(poll.IsCompleted);
        var watch = Stopwatch.StartNew();
        server.Publish(2, [2]);
        Assert.Equal(2, await poll);
        // Well inside the 20 s wait: the poll ended because the version moved, not because the wait ran out.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_bundle_download_carries_version_and_checksum_and_304_means_unchanged()
    {
        var server = await ServerAsync();
        server.Publish(4, [1, 2, 3]);
        using var client = new ControlPlaneClient([server.Url], Credentials, Fast);

        var bundle = await client.DownloadBundleAsync(3, CancellationToken.None);
        Assert.NotNull(bundle);
        Assert.Equal(4, bundle.Version);
        Assert.Equal(Bundles.Sha256([1, 2, 3]), bundle.Sha256);
        Assert.Equal([1, 2, 3], bundle.Content);
        Assert.Null(await client.DownloadBundleAsync(4, CancellationToken.None));
    }

    [Fact]
    public async Task A_download_cut_short_fails_instead_of_returning_part_of_a_bundle()
    {
        var server = await ServerAsync();
        server.Publish(4, new byte[100_000], truncateBody: true);
        using var client = new ControlPlaneClient([server.Url], Credentials, Fast);
        await Assert.ThrowsAsync<ControlPlaneUnavailableException>(() => client.DownloadBundleAsync(3, CancellationToken.None));
    }

    [Fact]
    public async Task An_oversized_bundle_is_refused()
    {
        var server = await ServerAsync();
        server.Publish(4, new byte[2048]);
        using var client = new ControlPlaneClient([server.Url], Credentials, Fast with { MaxBundleBytes = 1024 });
        var e = await Assert.ThrowsAsync<ControlPlaneUnavailableException>(() => client.DownloadBundleAsync(3, CancellationToken.None));
        Assert.Contains("more than the 1024 bytes allowed", e.Message);
    }
}
