using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net.Http.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.PowerShell.Commands;

namespace NebulaGC.PowerShell.Tests;

/// <summary>One real nebulagc-server on loopback with a tenant, an external-PKI cluster and an admin node, shared by the route cmdlet tests.</summary>
public sealed class RouteServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();

    public ServerInstance Server { get; private set; } = null!;

    public string Db => _dir.Combine("nebulagc.db");

    public Guid Tenant { get; private set; }

    public Guid Cluster { get; private set; }

    public string ClusterToken { get; private set; } = "";

    public (Guid Id, string Token) Admin { get; private set; }

    public async Task InitializeAsync()
    {
        ServerInstance.Migrate(Db);
        Tenant = ServerInstance.Cli(Db, "tenant", "create", "--name", "acme").GetProperty("tenant_id").GetGuid();
        var cluster = ServerInstance.Cli(Db, "cluster", "create", "--tenant-id", Tenant.ToString(), "--name", "net", "--pki", "external");
        Cluster = cluster.GetProperty("cluster_id").GetGuid();
        ClusterToken = cluster.GetProperty("cluster_token").GetString()!;
        Admin = CreateNode("admin", "--admin");
        Server = new ServerInstance(_dir.Combine("server"), Db, "master", "routes-test");
        await Server.StartAsync();
    }

    public Task DisposeAsync()
    {
        Server.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A node created with the CLI on the served database (the server sees the commit on its next read).</summary>
    public (Guid Id, string Token) CreateNode(string name, params string[] flags)
    {
        var node = ServerInstance.Cli(Db, ["node", "create", "--tenant-id", Tenant.ToString(), "--cluster-id", Cluster.ToString(), "--name", name, .. flags]);
        return (node.GetProperty("node_id").GetGuid(), node.GetProperty("node_token").GetString()!);
    }
}

/// <summary>
/// Get-, Approve- and Deny-NebulaGCRoute in a PowerShell runspace, against a real nebulagc-server on loopback. Each test
/// has its own router node advertising <see cref="Lan"/> and a default route.
/// </summary>
public sealed class RouteCmdletTests(RouteServerFixture fixture) : IClassFixture<RouteServerFixture>, IAsyncLifetime
{
    private const string Lan = "192.168.40.0/24";
    private (Guid Id, string Token) _router;

    public async Task InitializeAsync()
    {
        _router = fixture.CreateNode("router-" + Guid.NewGuid().ToString("N")[..8]);
        using var http = new HttpClient { BaseAddress = fixture.Server.Url };
        using var advertise = new HttpRequestMessage(HttpMethod.Post, "v1/routes")
        {
            Content = JsonContent.Create(new RoutesRequest([Lan, "0.0.0.0/0"]), ContractsJsonContext.Default.RoutesRequest),
        };
        AddCredentials(advertise, _router);
        using var response = await http.SendAsync(advertise);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void An_admin_lists_pending_routes_approves_one_and_denies_it_again()
    {
        var pending = Assert.Single(Invoke("Get-NebulaGCRoute", new() { ["Pending"] = true }), n => n.NodeId == _router.Id);
        Assert.Equal(["0.0.0.0/0", Lan], pending.Pending);

        var approved = Assert.Single(Invoke("Approve-NebulaGCRoute", new() { ["NodeId"] = _router.Id, ["Route"] = new[] { Lan } }));
        Assert.Equal([Lan], approved.Approved);
        Assert.Equal(["0.0.0.0/0"], approved.Pending);

        var denied = Assert.Single(Invoke("Deny-NebulaGCRoute", new() { ["NodeId"] = _router.Id, ["Route"] = new[] { Lan } }));
        Assert.Empty(denied.Approved);
        Assert.Equal(["0.0.0.0/0", Lan], denied.Pending);
    }

    [Fact]
    public void WhatIf_changes_nothing()
    {
        Assert.Empty(Invoke("Approve-NebulaGCRoute", new() { ["NodeId"] = _router.Id, ["Route"] = new[] { Lan }, ["WhatIf"] = true }));
        Assert.Empty(Assert.Single(Invoke("Get-NebulaGCRoute", []), n => n.NodeId == _router.Id).Approved);
    }

    [Theory]
    [InlineData("10.9.0.0/16", false, "RouteInvalid", "10.9.0.0/16")]
    [InlineData(Lan, true, "RouteNotPermitted", "admin node")]
    public void A_refusal_is_an_error_record_with_a_stable_id_and_the_servers_reason(string route, bool asRouter, string errorId, string reason)
    {
        var record = Refusal(() => Invoke("Approve-NebulaGCRoute", new() { ["NodeId"] = _router.Id, ["Route"] = new[] { route } }, asRouter ? _router : fixture.Admin));
        Assert.StartsWith(errorId + ",", record.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains(reason, record.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_node_is_RouteNodeNotFound_and_missing_tokens_are_ControlPlaneCredentialsMissing()
    {
        var unknown = Refusal(() => Invoke("Approve-NebulaGCRoute", new() { ["NodeId"] = Guid.NewGuid(), ["Route"] = new[] { Lan } }));
        Assert.StartsWith("RouteNodeNotFound,", unknown.FullyQualifiedErrorId, StringComparison.Ordinal);

        var missing = Refusal(() => Invoke("Get-NebulaGCRoute", [], fixture.Admin with { Token = "" }, withClusterToken: false));
        Assert.StartsWith("ControlPlaneCredentialsMissing,", missing.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    private static ErrorRecord Refusal(Func<object> invoke) => Assert.IsAssignableFrom<IContainsErrorRecord>(Assert.ThrowsAny<RuntimeException>(invoke)).ErrorRecord;

    /// <summary>Runs one cmdlet of the module in a fresh runspace with the connection parameters of <paramref name="caller"/> (default: the admin node).</summary>
    private List<NodeRoutes> Invoke(string cmdlet, Dictionary<string, object> parameters, (Guid Id, string Token)? caller = null, bool withClusterToken = true)
    {
        var state = InitialSessionState.Create();
        foreach (var type in new[] { typeof(GetNebulaGCRouteCommand), typeof(ApproveNebulaGCRouteCommand), typeof(DenyNebulaGCRouteCommand) })
        {
            var attribute = (CmdletAttribute)Attribute.GetCustomAttribute(type, typeof(CmdletAttribute))!;
            state.Commands.Add(new SessionStateCmdletEntry($"{attribute.VerbName}-{attribute.NounName}", type, null));
        }
        using var shell = System.Management.Automation.PowerShell.Create(state);
        var (id, token) = caller ?? fixture.Admin;
        shell.AddCommand(cmdlet)
            .AddParameter("Url", new[] { fixture.Server.Url })
            .AddParameter("TenantId", fixture.Tenant)
            .AddParameter("ClusterId", fixture.Cluster)
            .AddParameter("AdminNodeId", id)
            .AddParameter("AdminNodeToken", token);
        if (withClusterToken)
        {
            shell.AddParameter("ClusterToken", fixture.ClusterToken);
        }
        foreach (var (name, value) in parameters)
        {
            shell.AddParameter(name, value);
        }
        return shell.Invoke().Select(o => (NodeRoutes)o.BaseObject).ToList();
    }

    private void AddCredentials(HttpRequestMessage request, (Guid Id, string Token) node)
    {
        request.Headers.Add(NebulaHeaders.TenantId, fixture.Tenant.ToString());
        request.Headers.Add(NebulaHeaders.ClusterId, fixture.Cluster.ToString());
        request.Headers.Add(NebulaHeaders.NodeId, node.Id.ToString());
        request.Headers.Add(NebulaHeaders.NodeToken, node.Token);
        request.Headers.Add(NebulaHeaders.ClusterToken, fixture.ClusterToken);
    }
}
