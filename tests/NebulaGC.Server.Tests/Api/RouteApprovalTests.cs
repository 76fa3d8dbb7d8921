using System.Net;
using System.Text.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Client.Pki;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Tests.Api;

/// <summary>
/// Route approval (issue 15): advertised routes are pending until an admin node approves them or the cluster's
/// auto-approve prefixes cover them, and only approved routes reach any node's rendered config.
/// </summary>
public sealed class RouteApprovalTests : ServerTestBase
{
    private const string Lan = "192.168.50.0/24";

    private static ContractsJsonContext Json => ContractsJsonContext.Default;

    protected override string Pki => "managed";

    private Credentials _router = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _router = await Server.CreateNodeAsync(Admin, "router");
        await EnrollAsync(_router);
        await EnrollAsync(Admin);
    }

    [Fact]
    public async Task A_pending_route_reaches_no_config_until_an_admin_approves_it_and_the_approval_moves_the_version()
    {
        var before = ClusterVersion();
        var advertised = await AdvertiseAsync(Lan);
        Assert.Equal([Lan], advertised.Advertised);
        Assert.Equal([Lan], advertised.Pending);
        Assert.Empty(advertised.Approved);
        Assert.Empty(advertised.Routes);
        Assert.Equal(before, ClusterVersion());
        Assert.DoesNotContain(Lan, await AdminConfigAsync());

        using (var all = await Server.GetAsync("/v1/routes/all", Admin))
        {
            var entry = Assert.Single((await all.ReadAsync(Json.AllRoutesResponse)).Nodes);
            Assert.Equal(_router.NodeId, entry.NodeId);
            Assert.Equal([Lan], entry.Pending);
            Assert.Empty(entry.Approved);
        }
        using (var topology = await Server.GetAsync("/v1/topology", _router))
        {
            Assert.Equal([Lan], Assert.Single((await topology.ReadAsync(Json.TopologyResponse)).Routes).Pending);
        }

        var approved = await DecideAsync("approve", Admin, _router.NodeId, Lan);
        Assert.Equal([Lan], approved.Approved);
        Assert.Equal([Lan], approved.Routes);
        Assert.Empty(approved.Pending);
        Assert.Equal(before + 1, ClusterVersion());
        Assert.Contains(Lan, await AdminConfigAsync());
        using var own = await Server.GetAsync("/v1/routes", _router);
        Assert.Equal([Lan], (await own.ReadAsync(Json.NodeRoutes)).Approved);

        // Approving again changes nothing a config contains, so the version stays.
        await DecideAsync("approve", Admin, _router.NodeId, Lan);
        Assert.Equal(before + 1, ClusterVersion());
    }

    [Fact]
    public async Task Rejecting_or_withdrawing_an_approved_route_takes_it_out_of_every_config_and_re_advertising_starts_it_pending()
    {
        await AdvertiseAsync(Lan, "192.168.60.0/24");
        await DecideAsync("approve", Admin, _router.NodeId, Lan, "192.168.60.0/24");
        var before = ClusterVersion();

        var rejected = await DecideAsync("reject", Admin, _router.NodeId, Lan);
        Assert.Equal(["192.168.60.0/24"], rejected.Approved);
        Assert.Equal([Lan], rejected.Pending);
        Assert.Equal(before + 1, ClusterVersion());
        Assert.DoesNotContain(Lan, await AdminConfigAsync());

        // The router re-announcing the same set (a daemon restart) does not undo the rejection.
        Assert.Equal([Lan], (await AdvertiseAsync(Lan, "192.168.60.0/24")).Pending);
        Assert.Equal(before + 1, ClusterVersion());

        var withdrawn = await AdvertiseAsync(Lan);
        Assert.Empty(withdrawn.Approved);
        Assert.Equal(before + 2, ClusterVersion());
        Assert.DoesNotContain("192.168.60.0/24", await AdminConfigAsync());

        // Approval belongs to the advertised set: the withdrawn route comes back pending.
        Assert.Equal([Lan, "192.168.60.0/24"], (await AdvertiseAsync(Lan, "192.168.60.0/24")).Pending);
        Assert.Equal(before + 2, ClusterVersion());
    }

    [Fact]
    public async Task Approving_what_the_node_does_not_advertise_is_400_naming_it_an_unknown_node_404_and_neither_changes_anything()
    {
        await AdvertiseAsync(Lan);
        var before = ClusterVersion();

        using (var missing = await Server.PostJsonAsync($"/v1/routes/{_router.NodeId}/approve", Admin, $$"""{"routes":["{{Lan}}","10.77.0.0/16"]}"""))
        {
            var message = await missing.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
            Assert.Contains("10.77.0.0/16", message, StringComparison.Ordinal);
        }
        foreach (var body in new[] { """{"routes":[]}""", """{"routes":["192.168.50.1/24"]}""", """{"routes":["192.168.050.0/24"]}""", "{}" })
        {
            using var bad = await Server.PostJsonAsync($"/v1/routes/{_router.NodeId}/approve", Admin, body);
            await bad.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
        }
        using (var unknown = await Server.PostJsonAsync($"/v1/routes/{Guid.NewGuid()}/approve", Admin, $$"""{"routes":["{{Lan}}"]}"""))
        {
            await unknown.AssertErrorAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        }
        using (var rejectMissing = await Server.PostJsonAsync($"/v1/routes/{_router.NodeId}/reject", Admin, """{"routes":["10.77.0.0/16"]}"""))
        {
            await rejectMissing.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
        }
        Assert.Equal(before, ClusterVersion());
        using var own = await Server.GetAsync("/v1/routes", _router);
        Assert.Equal([Lan], (await own.ReadAsync(Json.NodeRoutes)).Pending);
    }

    [Fact]
    public async Task A_node_that_is_not_an_admin_cannot_approve_or_reject_even_its_own_routes()
    {
        await AdvertiseAsync(Lan);
        var before = ClusterVersion();
        foreach (var verb in new[] { "approve", "reject" })
        {
            using var response = await Server.PostJsonAsync($"/v1/routes/{_router.NodeId}/{verb}", _router, $$"""{"routes":["{{Lan}}"]}""");
            await response.AssertErrorAsync(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        }
        Assert.Equal(before, ClusterVersion());
        Assert.DoesNotContain(Lan, await AdminConfigAsync());
    }

    [Fact]
    public async Task The_auto_approve_policy_approves_routes_inside_its_prefixes_only_and_never_a_default_route()
    {
        var policy = Server.Service<ClusterService>().SetRoutePolicy(Admin.ClusterId, ["192.168.0.0/16", "172.16.0.0/12"]);
        Assert.Equal(["172.16.0.0/12", "192.168.0.0/16"], policy.AutoApprove);
        var before = ClusterVersion();

        var routes = await AdvertiseAsync("192.168.5.0/24", "172.16.1.0/24", "10.50.0.0/16", "192.0.0.0/8", "0.0.0.0/0");
        Assert.Equal(["172.16.1.0/24", "192.168.5.0/24"], routes.Approved);
        Assert.Equal(["0.0.0.0/0", "10.50.0.0/16", "192.0.0.0/8"], routes.Pending);
        Assert.Equal(before + 1, ClusterVersion());
        var config = await AdminConfigAsync();
        Assert.Contains("192.168.5.0/24", config);
        Assert.DoesNotContain("0.0.0.0/0", config);
        Assert.DoesNotContain("10.50.0.0/16", config);

        var everything = Assert.Throws<InvalidInput>(() => Server.Service<ClusterService>().SetRoutePolicy(Admin.ClusterId, ["0.0.0.0/0"]));
        Assert.Contains("0.0.0.0/0", everything.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_default_route_is_advertisable_but_only_an_explicit_approval_puts_it_in_the_configs()
    {
        await AdvertiseAsync("0.0.0.0/0", Lan);
        var policy = Server.Service<ClusterService>().SetRoutePolicy(Admin.ClusterId, ["192.168.0.0/16"]);
        // Setting the policy approves the pending routes it covers at once — never the default route.
        Assert.Equal([Lan], Assert.Single(policy.ApprovedNow).Approved);
        Assert.Equal(ClusterVersion(), policy.ConfigVersion);
        Assert.DoesNotContain("0.0.0.0/0", await AdminConfigAsync());

        Assert.Equal(["0.0.0.0/0", Lan], (await DecideAsync("approve", Admin, _router.NodeId, "0.0.0.0/0")).Approved);
        Assert.Contains("0.0.0.0/0", await AdminConfigAsync());
    }

    private async Task EnrollAsync(Credentials node)
    {
        using var response = await Server.PostJsonAsync("/v1/node/certificate", node,
            JsonSerializer.Serialize(new NodeCertificateRequest(X25519KeyPair.Generate().PublicKeyPem()), Json.NodeCertificateRequest));
        await response.ReadAsync(Json.NodeCertificateResponse);
    }

    private async Task<NodeRoutes> AdvertiseAsync(params string[] routes)
    {
        using var response = await Server.PostJsonAsync("/v1/routes", _router, JsonSerializer.Serialize(new RoutesRequest(routes), Json.RoutesRequest));
        return await response.ReadAsync(Json.NodeRoutes);
    }

    private async Task<NodeRoutes> DecideAsync(string verb, Credentials caller, Guid nodeId, params string[] routes)
    {
        using var response = await Server.PostJsonAsync($"/v1/routes/{nodeId}/{verb}", caller, JsonSerializer.Serialize(new RoutesRequest(routes), Json.RoutesRequest));
        return await response.ReadAsync(Json.NodeRoutes);
    }

    /// <summary>The admin node's rendered config: where the router's approved routes appear as unsafe_routes.</summary>
    private async Task<string> AdminConfigAsync() => (await Server.BundleFilesAsync(Admin))["config.yml"];
}
