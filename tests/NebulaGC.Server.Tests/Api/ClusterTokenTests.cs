using System.Net;
using NebulaGC.Client.Contracts;

namespace NebulaGC.Server.Tests.Api;

public sealed class ClusterTokenTests : ServerTestBase
{
    [Fact]
    public async Task Rotation_without_grace_kills_the_old_cluster_token_at_once()
    {
        var before = ClusterVersion();
        using var rotate = await Server.PostJsonAsync("/v1/cluster/token", Admin, "{}");
        var rotated = await rotate.ReadAsync(ContractsJsonContext.Default.ClusterTokenResponse);
        Assert.Null(rotated.PreviousTokenValidUntil);
        Assert.Equal(before + 1, ClusterVersion());
        using var old = await Server.GetAsync("/v1/config/version", Admin);
        await old.AssertErrorAsync(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
        using var fresh = await Server.GetAsync("/v1/config/version", Admin with { ClusterToken = rotated.ClusterToken });
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task Rotation_with_grace_keeps_the_old_token_working_until_the_grace_ends()
    {
        using var rotate = await Server.PostJsonAsync("/v1/cluster/token", Admin, """{"grace_seconds":300}""");
        var rotated = await rotate.ReadAsync(ContractsJsonContext.Default.ClusterTokenResponse);
        Assert.NotNull(rotated.PreviousTokenValidUntil);
        using var during = await Server.GetAsync("/v1/config/version", Admin);
        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Server.Time.Advance(TimeSpan.FromSeconds(301));
        using var after = await Server.GetAsync("/v1/config/version", Admin);
        await after.AssertErrorAsync(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
    }

    [Theory]
    [InlineData("""{"grace_seconds":-1}""")]
    [InlineData("""{"grace_seconds":86401}""")]
    public async Task Grace_out_of_range_is_400(string body)
    {
        using var response = await Server.PostJsonAsync("/v1/cluster/token", Admin, body);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
    }
}
