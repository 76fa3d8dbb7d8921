using System.Text.Json;
using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Cli;

public sealed class CliExecutableTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Db => _dir.Combine("nebulagc.db");

    private Dictionary<string, string?> Env(bool withSecret = true) => new()
    {
        ["NEBULAGC_HMAC_SECRET"] = withSecret ? TestServer.Secret : null,
        ["NEBULAGC_ADMIN_SOCKET"] = _dir.Combine("no-server.sock"),
    };

    private static string[] Keys(string json) => JsonDocument.Parse(json).RootElement.EnumerateObject().Select(p => p.Name).ToArray();

    private static string[] FirstItemKeys(string json) => JsonDocument.Parse(json).RootElement[0].EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public async Task Version_flag_prints_the_product_version()
    {
        var result = await ServerProcess.RunAsync(["--version"]);
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("0.1.0", result.Stdout.Trim());
    }

    [Fact]
    public async Task Serve_without_a_role_exits_2_saying_how_to_give_one()
    {
        var result = await ServerProcess.RunAsync(["serve", "--db", Db], Env());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no role given: pass --master, --replicate or --role master|replica", result.Stderr);
        Assert.False(File.Exists(Db));
    }

    [Theory]
    [InlineData("--master", "--replicate")]
    [InlineData("--role", "replica", "--master")]
    public async Task Serve_with_two_roles_exits_2(params string[] roleArgs)
    {
        var result = await ServerProcess.RunAsync(["serve", "--db", Db, .. roleArgs], Env());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("conflicting roles", result.Stderr);
    }

    [Fact]
    public async Task Serve_without_a_secret_exits_2_naming_the_variables()
    {
        var result = await ServerProcess.RunAsync(["serve", "--master", "--db", Db, "--instance-id", "t"], Env(withSecret: false));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("NEBULAGC_HMAC_SECRET", result.Stderr);
    }

    [Fact]
    public async Task Serve_with_a_short_secret_exits_2()
    {
        var env = Env();
        env["NEBULAGC_HMAC_SECRET"] = "too-short";
        var result = await ServerProcess.RunAsync(["serve", "--master", "--db", Db, "--instance-id", "t"], env);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("at least 32", result.Stderr);
    }

    [Theory]
    [InlineData("NEBULAGC_TLS_CERT", "/nonexistent/server.crt", "NEBULAGC_TLS_CERT is set but NEBULAGC_TLS_KEY is not")]
    [InlineData("NEBULAGC_TRUSTED_PROXIES", "10.0.0.1,proxy.example", "trusted proxy 'proxy.example' is neither an IP address nor a CIDR")]
    [InlineData("NEBULAGC_LISTEN_ADDR", "localhost", "listen address 'localhost' is not host:port")]
    [InlineData("NEBULAGC_METRICS_ADDR", "metrics.example:9090", "metrics address 'metrics.example:9090' must name an IP address")]
    [InlineData("NEBULAGC_ADMIN_SOCKET", "admin.sock", "admin socket 'admin.sock' must be an absolute path")]
    public async Task Serve_with_a_bad_setting_exits_2_naming_it_before_creating_the_database(string variable, string value, string message)
    {
        var env = Env();
        env[variable] = value;
        var result = await ServerProcess.RunAsync(["serve", "--master", "--db", Db, "--instance-id", "t"], env);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public async Task Bootstrap_commands_print_exactly_the_contract_json_fields()
    {
        Assert.Equal(0, (await ServerProcess.RunAsync(["migrate", "--db", Db], Env())).ExitCode);

        var tenant = await ServerProcess.RunAsync(["tenant", "create", "--name", "acme", "--db", Db, "--output", "json"], Env());
        Assert.Equal(0, tenant.ExitCode);
        Assert.Equal(["tenant_id", "name", "created_at"], Keys(tenant.Stdout));
        var tenantId = JsonDocument.Parse(tenant.Stdout).RootElement.GetProperty("tenant_id").GetString()!;

        var tenants = await ServerProcess.RunAsync(["tenant", "list", "--db", Db, "--output", "json"], Env());
        Assert.Equal(["tenant_id", "name", "created_at"], FirstItemKeys(tenants.Stdout));

        var cluster = await ServerProcess.RunAsync(["cluster", "create", "--tenant-id", tenantId, "--name", "net", "--overlay-cidr", "10.50.0.0/16", "--db", Db, "--output", "json"], Env());
        Assert.Equal(0, cluster.ExitCode);
        foreach (var field in new[] { "cluster_id", "tenant_id", "name", "cluster_token", "overlay_cidr", "config_version", "created_at" })
        {
            Assert.Contains(field, Keys(cluster.Stdout));
        }
        var clusterJson = JsonDocument.Parse(cluster.Stdout).RootElement;
        var clusterId = clusterJson.GetProperty("cluster_id").GetString()!;
        var clusterToken = clusterJson.GetProperty("cluster_token").GetString()!;

        var clusters = await ServerProcess.RunAsync(["cluster", "list", "--tenant-id", tenantId, "--db", Db, "--output", "json"], Env());
        foreach (var field in new[] { "cluster_id", "tenant_id", "name", "config_version", "node_count", "created_at" })
        {
            Assert.Contains(field, FirstItemKeys(clusters.Stdout));
        }

        var node = await ServerProcess.RunAsync(["node", "create", "--tenant-id", tenantId, "--cluster-id", clusterId, "--name", "admin", "--admin", "--cluster-token", clusterToken, "--db", Db, "--output", "json"], Env());
        Assert.Equal(0, node.ExitCode);
        Assert.Equal(["node_id", "node_token", "cluster_token", "tenant_id", "cluster_id", "overlay_ip", "is_admin", "created_at"], Keys(node.Stdout));
        Assert.Equal(clusterToken, JsonDocument.Parse(node.Stdout).RootElement.GetProperty("cluster_token").GetString());
        Assert.Equal("10.50.0.16", JsonDocument.Parse(node.Stdout).RootElement.GetProperty("overlay_ip").GetString());

        var nodes = await ServerProcess.RunAsync(["node", "list", "--tenant-id", tenantId, "--cluster-id", clusterId, "--db", Db, "--output", "json"], Env());
        Assert.Equal(["node_id", "name", "is_admin", "overlay_ip", "mtu", "is_lighthouse", "is_relay", "routes", "created_at"], FirstItemKeys(nodes.Stdout));

        var status = await ServerProcess.RunAsync(["status", "--db", Db, "--output", "json"], Env());
        Assert.Equal(["instance_id", "role", "epoch", "version", "db_path", "schema_version", "public_url"], Keys(status.Stdout));

        var table = await ServerProcess.RunAsync(["node", "list", "--tenant-id", tenantId, "--cluster-id", clusterId, "--db", Db], Env());
        Assert.Contains("OVERLAY IP", table.Stdout);
        Assert.Contains("10.50.0.16", table.Stdout);
        Assert.DoesNotContain(JsonDocument.Parse(node.Stdout).RootElement.GetProperty("node_token").GetString()!, table.Stdout);
    }

    [Fact]
    public async Task Route_commands_list_approve_and_reject_and_route_policy_approves_what_it_covers()
    {
        Assert.Equal(0, (await ServerProcess.RunAsync(["migrate", "--db", Db], Env())).ExitCode);
        var context = NebulaGC.Server.Services.ServiceContext.Create(new NebulaGC.Server.Data.Database(Db, readOnly: false),
            NebulaGC.Server.Security.HmacSecret.FromString(TestServer.Secret), TimeProvider.System, new NebulaGC.Server.Services.ConfigVersionFeed());
        var tenant = new NebulaGC.Server.Services.TenantService(context).Create("acme");
        var cluster = new NebulaGC.Server.Services.ClusterService(context).Create(new NebulaGC.Client.Contracts.CreateClusterRequest(tenant.TenantId, "net", null, "external", false, null));
        var nodes = new NebulaGC.Server.Services.NodeService(context);
        var router = nodes.Create(new NebulaGC.Client.Contracts.AdminCreateNodeRequest(tenant.TenantId, cluster.ClusterId, "router", false, null, null, null));
        nodes.SetRoutes(cluster.ClusterId, router.NodeId, ["192.168.1.0/24", "192.168.2.0/24", "0.0.0.0/0"]);
        string[] scope = ["--cluster-id", cluster.ClusterId.ToString(), "--db", Db];

        var list = await ServerProcess.RunAsync(["route", "list", .. scope], Env());
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Contains("PENDING", list.Stdout);
        Assert.Contains("0.0.0.0/0,192.168.1.0/24,192.168.2.0/24", list.Stdout);

        var approve = await ServerProcess.RunAsync(["route", "approve", "--node-id", router.NodeId.ToString(), "--cidr", "0.0.0.0/0,192.168.1.0/24", "--output", "json", .. scope], Env());
        Assert.True(approve.ExitCode == 0, approve.Stderr);
        var approved = JsonDocument.Parse(approve.Stdout).RootElement;
        Assert.Equal(["0.0.0.0/0", "192.168.1.0/24"], approved.GetProperty("approved").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["192.168.2.0/24"], approved.GetProperty("pending").EnumerateArray().Select(e => e.GetString()));

        var notAdvertised = await ServerProcess.RunAsync(["route", "approve", "--node-id", router.NodeId.ToString(), "--cidr", "10.9.0.0/16", .. scope], Env());
        Assert.Equal(1, notAdvertised.ExitCode);
        Assert.Contains("10.9.0.0/16", notAdvertised.Stderr);

        var policy = await ServerProcess.RunAsync(["cluster", "route-policy", "--auto-approve", "192.168.0.0/16", "--output", "json", .. scope], Env());
        Assert.True(policy.ExitCode == 0, policy.Stderr);
        var approvedNow = JsonDocument.Parse(policy.Stdout).RootElement.GetProperty("approved_now");
        Assert.Equal(["0.0.0.0/0", "192.168.1.0/24", "192.168.2.0/24"], approvedNow[0].GetProperty("approved").EnumerateArray().Select(e => e.GetString()));

        var everything = await ServerProcess.RunAsync(["cluster", "route-policy", "--auto-approve", "0.0.0.0/0", .. scope], Env());
        Assert.Equal(1, everything.ExitCode);
        Assert.Contains("0.0.0.0/0", everything.Stderr);

        var reject = await ServerProcess.RunAsync(["route", "reject", "--node-id", router.NodeId.ToString(), "--cidr", "0.0.0.0/0", "--output", "json", .. scope], Env());
        Assert.True(reject.ExitCode == 0, reject.Stderr);
        Assert.Equal(["0.0.0.0/0"], JsonDocument.Parse(reject.Stdout).RootElement.GetProperty("pending").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Mutating_command_on_an_unmigrated_database_says_to_migrate()
    {
        var result = await ServerProcess.RunAsync(["tenant", "create", "--name", "x", "--db", Db], Env());
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"nebulagc-server migrate --db {Db}", result.Stderr);
    }

    [Fact]
    public async Task Cluster_create_with_a_wrong_cluster_token_for_node_create_is_refused()
    {
        await ServerProcess.RunAsync(["migrate", "--db", Db], Env());
        var tenant = JsonDocument.Parse((await ServerProcess.RunAsync(["tenant", "create", "--name", "a", "--db", Db, "-o", "json"], Env())).Stdout).RootElement.GetProperty("tenant_id").GetString()!;
        var cluster = JsonDocument.Parse((await ServerProcess.RunAsync(["cluster", "create", "--tenant-id", tenant, "--name", "c", "--db", Db, "-o", "json"], Env())).Stdout).RootElement.GetProperty("cluster_id").GetString()!;
        var result = await ServerProcess.RunAsync(["node", "create", "--tenant-id", tenant, "--cluster-id", cluster, "--name", "n", "--cluster-token", new string('x', 43), "--db", Db], Env());
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not cluster", result.Stderr);
    }

    [Theory]
    [InlineData("cluster", "create", "--tenant-id", "not-a-guid", "--name", "x")]
    [InlineData("cluster", "create", "--tenant-id", "00000000-0000-0000-0000-000000000001", "--name", "x", "--pki", "vault")]
    [InlineData("node", "create", "--cluster-id", "00000000-0000-0000-0000-000000000001", "--name", "x")]
    public async Task Invalid_arguments_exit_non_zero_with_a_message(params string[] args)
    {
        var result = await ServerProcess.RunAsync([.. args, "--db", Db], Env());
        Assert.NotEqual(0, result.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Stderr));
    }

    [Fact]
    public async Task Mutating_commands_refuse_while_the_running_server_is_a_replica()
    {
        Assert.Equal(0, (await ServerProcess.RunAsync(["migrate", "--db", Db], Env())).ExitCode);
        var socket = _dir.Combine("admin.sock");
        var port = FreePort.Tcp();
        var env = Env();
        env["NEBULAGC_ADMIN_SOCKET"] = socket;
        using var replica = await ServerProcess.StartServeAsync(["serve", "--replicate", "--db", Db, "--listen", $"127.0.0.1:{port}", "--instance-id", "r1"], env, $"http://127.0.0.1:{port}");
        try
        {
            var refused = await ServerProcess.RunAsync(["tenant", "create", "--name", "x"], env);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("replica is read-only; run on the master", refused.Stderr);
            var status = await ServerProcess.RunAsync(["status", "--output", "json"], env);
            Assert.Equal("replica", JsonDocument.Parse(status.Stdout).RootElement.GetProperty("role").GetString());
            var list = await ServerProcess.RunAsync(["tenant", "list", "--output", "json"], env);
            Assert.Equal(0, list.ExitCode);
        }
        finally
        {
            replica.Kill();
        }
    }
}
