using System.Net;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Api;

public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private static Task<HttpResponseMessage> FailAsync(TestServer server, Credentials admin, string? forwardedFor) =>
        server.SendAsync(HttpMethod.Get, "/v1/config/version", admin with { NodeToken = NebulaGC.Server.Security.TokenService.Generate() },
            configure: r =>
            {
                if (forwardedFor is not null)
                {
                    r.Headers.Add("X-Forwarded-For", forwardedFor);
                }
            });

    [Fact]
    public async Task Eleventh_failed_auth_from_one_ip_is_429_with_retry_after_even_with_a_correct_token()
    {
        await using var server = await TestServer.StartAsync(_dir.Combine("a.db"));
        var admin = server.Bootstrap();
        for (var i = 0; i < 10; i++)
        {
            using var failed = await FailAsync(server, admin, null);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }
        using var limited = await server.GetAsync("/v1/config/version", admin);
        await limited.AssertErrorAsync(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimitExceeded);
        Assert.Equal("60", limited.Headers.GetValues("Retry-After").Single());
        server.Time.Advance(TimeSpan.FromSeconds(61));
        using var later = await server.GetAsync("/v1/config/version", admin);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task Spoofed_x_forwarded_for_from_an_untrusted_peer_does_not_evade_the_limit()
    {
        await using var server = await TestServer.StartAsync(_dir.Combine("b.db"));
        var admin = server.Bootstrap();
        for (var i = 0; i < 10; i++)
        {
            using var failed = await FailAsync(server, admin, $"198.51.100.{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }
        using var limited = await FailAsync(server, admin, "198.51.100.200");
        await limited.AssertErrorAsync(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimitExceeded);
        Assert.DoesNotContain("198.51.100.", server.Logs);
    }

    [Fact]
    public async Task X_forwarded_for_from_a_trusted_proxy_names_the_real_client()
    {
        await using var server = await TestServer.StartAsync(_dir.Combine("c.db"), trustedProxies: ["127.0.0.1"]);
        var admin = server.Bootstrap();
        for (var i = 0; i < 10; i++)
        {
            using var failed = await FailAsync(server, admin, "198.51.100.1");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }
        using var sameClient = await FailAsync(server, admin, "198.51.100.1");
        await sameClient.AssertErrorAsync(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimitExceeded);
        using var otherClient = await FailAsync(server, admin, "198.51.100.2");
        Assert.Equal(HttpStatusCode.Unauthorized, otherClient.StatusCode);
        Assert.Contains("\"RemoteIp\":\"198.51.100.1\"", server.Logs);
    }

    [Fact]
    public async Task Fifty_failures_in_ten_minutes_block_the_ip_for_an_hour()
    {
        await using var server = await TestServer.StartAsync(_dir.Combine("d.db"));
        var admin = server.Bootstrap();
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                using var failed = await FailAsync(server, admin, null);
                Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
            }
            server.Time.Advance(TimeSpan.FromSeconds(61));
        }
        using var blocked = await server.GetAsync("/v1/config/version", admin);
        await blocked.AssertErrorAsync(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimitExceeded);
        Assert.True(int.Parse(blocked.Headers.GetValues("Retry-After").Single()) > 3000);
        server.Time.Advance(TimeSpan.FromHours(1));
        using var released = await server.GetAsync("/v1/config/version", admin);
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
    }

    [Fact]
    public async Task Hundred_and_first_request_of_a_node_in_a_minute_is_429()
    {
        await using var server = await TestServer.StartAsync(_dir.Combine("e.db"));
        var admin = server.Bootstrap();
        for (var i = 0; i < 100; i++)
        {
            using var ok = await server.GetAsync("/v1/config/version", admin);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using var limited = await server.GetAsync("/v1/config/version", admin);
        await limited.AssertErrorAsync(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimitExceeded);
        server.Time.Advance(TimeSpan.FromSeconds(1));
        using var refilled = await server.GetAsync("/v1/config/version", admin);
        Assert.Equal(HttpStatusCode.OK, refilled.StatusCode);
    }
}
