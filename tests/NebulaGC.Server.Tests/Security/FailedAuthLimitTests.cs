using System.Net;
using Microsoft.Extensions.Time.Testing;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Security;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Tests.Security;

/// <summary>Issue 15 #6 and issue 14 (rate limits): limits per address and per claimed node and cluster, equal work for unknown ids, bounded memory.</summary>
public sealed class FailedAuthLimitTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<TestServer> StartBehindProxyAsync(RateLimitOptions? limits = null) =>
        TestServer.StartAsync(_dir.Combine("nebulagc.db"), trustedProxies: ["127.0.0.1"], configure: o => o with { RateLimits = limits ?? new RateLimitOptions() });

    private static Task<HttpResponseMessage> FromAsync(TestServer server, Credentials credentials, string address) =>
        server.SendAsync(HttpMethod.Get, "/v1/config/version", credentials, configure: r => r.Headers.Add("X-Forwarded-For", address));

    private static Credentials WrongToken(Credentials node) => node with { NodeToken = TokenService.Generate() };

    [Fact]
    public async Task Guesses_at_one_node_spread_over_many_addresses_are_stopped_by_the_node_limit()
    {
        await using var server = await StartBehindProxyAsync();
        var admin = server.Bootstrap();
        for (var i = 0; i < 10; i++)
        {
            using var failed = await FromAsync(server, WrongToken(admin), $"198.51.100.{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }
        using var limited = await FromAsync(server, WrongToken(admin), "203.0.113.77");
        await limited.AssertErrorAsync(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimitExceeded);
    }

    [Fact]
    public async Task Guesses_over_many_node_ids_of_one_cluster_are_stopped_by_the_cluster_limit()
    {
        await using var server = await StartBehindProxyAsync(new RateLimitOptions { FailedAuthPerClusterPerMinute = 5 });
        var admin = server.Bootstrap();
        for (var i = 0; i < 5; i++)
        {
            using var failed = await FromAsync(server, admin with { NodeId = Guid.NewGuid() }, $"198.51.100.{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }
        using var limited = await FromAsync(server, admin with { NodeId = Guid.NewGuid() }, "203.0.113.78");
        await limited.AssertErrorAsync(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimitExceeded);
    }

    [Fact]
    public async Task An_abusive_client_behind_a_shared_address_does_not_lock_out_the_honest_nodes_behind_it()
    {
        await using var server = await StartBehindProxyAsync();
        var admin = server.Bootstrap();
        var honest = await server.CreateNodeAsync(admin, "honest");
        var newcomer = await server.CreateNodeAsync(admin, "newcomer");
        const string shared = "198.51.100.50";
        using (var ok = await FromAsync(server, honest, shared))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        for (var i = 0; i < 60; i++)
        {
            using var _ = await FromAsync(server, admin with { NodeId = Guid.NewGuid(), NodeToken = TokenService.Generate() }, shared);
        }
        using (var abusive = await FromAsync(server, WrongToken(newcomer), shared))
        {
            await abusive.AssertErrorAsync(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimitExceeded);
        }
        using var stillServed = await FromAsync(server, honest, shared);
        Assert.Equal(HttpStatusCode.OK, stillServed.StatusCode);

        // A failure naming the honest node from that address ends its pass there: guesses at a known node stay limited.
        using (await FromAsync(server, WrongToken(honest), shared))
        {
        }
        using var afterGuess = await FromAsync(server, honest, shared);
        await afterGuess.AssertErrorAsync(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimitExceeded);
    }

    [Fact]
    public async Task The_limits_are_configurable()
    {
        await using var server = await StartBehindProxyAsync(new RateLimitOptions { NodeRequestsPerMinute = 3, FailedAuthPerIpPerMinute = 2, FailedAuthPerNodePerMinute = 50 });
        var admin = server.Bootstrap();
        for (var i = 0; i < 3; i++)
        {
            using var ok = await FromAsync(server, admin, "198.51.100.1");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using (var limited = await FromAsync(server, admin, "198.51.100.1"))
        {
            await limited.AssertErrorAsync(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimitExceeded);
        }
        for (var i = 0; i < 2; i++)
        {
            using var _ = await FromAsync(server, WrongToken(admin), "198.51.100.2");
        }
        using var blocked = await FromAsync(server, WrongToken(admin), "198.51.100.2");
        await blocked.AssertErrorAsync(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimitExceeded);
    }

    [Fact]
    public async Task Rate_limit_settings_that_are_not_positive_numbers_stop_serve_with_exit_2()
    {
        var env = new Dictionary<string, string?> { ["NEBULAGC_HMAC_SECRET"] = TestServer.Secret, ["NEBULAGC_RATE_LIMIT_NODE_REQUESTS"] = "lots" };
        var result = await ServerProcess.RunAsync(["serve", "--master", "--db", _dir.Combine("x.db"), "--admin-socket", ""], env);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("NEBULAGC_RATE_LIMIT_NODE_REQUESTS='lots' is not a positive whole number", result.Stderr);
    }

    [Fact]
    public async Task An_unknown_node_or_cluster_costs_the_same_hmac_work_as_a_wrong_token()
    {
        await using var server = await TestServer.StartAsync(_dir.Combine("nebulagc.db"));
        var admin = server.Bootstrap();
        var tokens = server.Service<TokenService>();
        var authenticator = server.Service<NodeAuthenticator>();
        long Work(Credentials c)
        {
            var before = tokens.HashCount;
            var result = authenticator.Authenticate(new PresentedCredentials(c.TenantId.ToString(), c.ClusterId.ToString(), c.NodeId.ToString(), c.NodeToken, c.ClusterToken));
            Assert.Null(result.Node);
            return tokens.HashCount - before;
        }
        var wrongToken = Work(WrongToken(admin));
        Assert.Equal(wrongToken, Work(admin with { NodeId = Guid.NewGuid() }));
        Assert.Equal(wrongToken, Work(admin with { ClusterId = Guid.NewGuid() }));
        Assert.Equal(wrongToken, Work(admin with { ClusterToken = TokenService.Generate() }));
        Assert.Equal(wrongToken, Work(admin with { NodeToken = "short" }));
    }

    [Fact]
    public void The_failure_counters_forget_idle_keys()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var guard = new FailedAuthGuard(new RateLimitOptions(), time);
        for (var i = 0; i < 1000; i++)
        {
            guard.RecordFailure($"10.0.{i / 250}.{i % 250}", Guid.NewGuid(), Guid.NewGuid());
        }
        guard.RecordSuccess("10.9.9.9", Guid.NewGuid());
        Assert.True(guard.TrackedKeys >= 3000);

        time.Advance(FailedAuthGuard.KnownPairLifetime);
        guard.RecordFailure("10.9.9.8", null, null);
        guard.RecordSuccess("10.9.9.7", Guid.NewGuid());
        Assert.Equal(2, guard.TrackedKeys);
    }

    [Fact]
    public void The_request_limiter_forgets_keys_whose_bucket_has_refilled()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var limiter = new KeyedRateLimiter(100, TimeSpan.FromMinutes(1), time);
        for (var i = 0; i < 1000; i++)
        {
            limiter.TryAcquire(Guid.NewGuid());
        }
        Assert.Equal(1000, limiter.TrackedKeys);
        time.Advance(TimeSpan.FromMinutes(1));
        limiter.TryAcquire(Guid.NewGuid());
        Assert.Equal(1, limiter.TrackedKeys);
    }
}
