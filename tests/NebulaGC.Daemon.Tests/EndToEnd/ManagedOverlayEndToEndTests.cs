using System.Net.Http.Json;
using System.Text.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Daemon.Tests.Support;

namespace NebulaGC.Daemon.Tests.EndToEnd;

/// <summary>
/// Managed PKI end to end: one cluster, two nodes whose daemons generate their own keys, have them signed, and run
/// the configs the server renders for them (node B is the lighthouse), in two network namespaces (needs root).
/// </summary>
public sealed class ManagedOverlayFixture : IAsyncLifetime
{
    private readonly TempDirectory dir = new();
    private NamespaceNetwork? namespaces;

    public ServerInstance Master { get; private set; } = null!;
    public OverlayNode A { get; private set; } = null!;
    public OverlayNode B { get; private set; } = null!;
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };
    private string Db => dir.Combine("server", "nebulagc.db");

    public async Task InitializeAsync()
    {
        namespaces = await NamespaceNetwork.CreateAsync(hostCount: 2);
        Directory.CreateDirectory(dir.Combine("server"));
        ServerInstance.Migrate(Db);
        string tenant = ServerInstance.Cli(Db, "tenant", "create", "--name", "managed").GetProperty("tenant_id").GetString()!;
        var cluster = ServerInstance.Cli(Db, "cluster", "create", "--tenant-id", tenant, "--name", "mesh", "--pki", "managed");
        A = Node(tenant, cluster, "node-a", namespaces.Hosts[0].Namespace, namespaces.Hosts[0].Address);
        B = Node(tenant, cluster, "node-b", namespaces.Hosts[1].Namespace, namespaces.Hosts[1].Address);
        A.Peer = B;
        B.Peer = A;

        Master = new ServerInstance(dir.Combine("server", "master"), Db, "master", "managed-master");
        await Master.StartAsync();
        await CallAsync(A, HttpMethod.Post, $"v1/nodes/{B.NodeId}/lighthouse", new LighthouseRequest(true, B.Underlay, 4242));
        foreach (var node in new[] { A, B })
        {
            WriteDaemonConfig(node);
            node.Daemon = BackgroundProcess.Dotnet(RepositoryPaths.DaemonDll, ["daemon", "--config", node.ConfigFile]);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in new[] { A, B }.Where(n => n is not null))
        {
            await node.StopAsync();
        }
        Master?.Dispose();
        if (namespaces is not null)
        {
            await namespaces.DisposeAsync();
        }
        Http.Dispose();
        dir.Dispose();
    }

    /// <summary>An authenticated API call as <paramref name="caller"/>; A is the cluster's admin node.</summary>
    public async Task CallAsync<T>(OverlayNode caller, HttpMethod method, string path, T body)
    {
        using var request = new HttpRequestMessage(method, new Uri(Master.Url, path)) { Content = JsonContent.Create(body, mediaType: null, options: ContractsJsonContext.Default.Options) };
        caller.Authenticate(request);
        using var response = await Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
    }

    public JsonElement Status(OverlayNode node) => Nebulagc.ClusterStatus(node.ConfigFile, () => Diagnostics(node));

    public string TunDevice(OverlayNode node)
    {
        var (_, output, _) = NamespaceNetwork.Exec(node.Namespace, "ip", "-o", "addr", "show");
        var line = output.Split('\n').FirstOrDefault(l => l.Contains($" {node.OverlayIp}/"));
        return line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] ?? "";
    }

    public string Diagnostics(OverlayNode node) => $"daemon {node.Name}:\n{node.Daemon?.Output}\nserver:\n{Master.Output[^Math.Min(2000, Master.Output.Length)..]}";

    private OverlayNode Node(string tenant, JsonElement cluster, string name, string ns, string underlay)
    {
        string clusterId = cluster.GetProperty("cluster_id").GetString()!, clusterToken = cluster.GetProperty("cluster_token").GetString()!;
        var created = ServerInstance.Cli(Db, "node", "create", "--tenant-id", tenant, "--cluster-id", clusterId, "--name", name, "--admin", "--cluster-token", clusterToken);
        string root = dir.Combine("nodes", name);
        Directory.CreateDirectory(root);
        return new OverlayNode
        {
            Name = "mesh",
            Namespace = ns,
            OverlayIp = created.GetProperty("overlay_ip").GetString()!.Split('/')[0],
            Underlay = underlay,
            TunDevice = "",
            TenantId = Guid.Parse(tenant),
            ClusterId = Guid.Parse(clusterId),
            NodeId = created.GetProperty("node_id").GetGuid(),
            NodeToken = created.GetProperty("node_token").GetString()!,
            ClusterToken = clusterToken,
            ConfigFile = Path.Combine(root, "daemon.json"),
            StateDir = Path.Combine(root, "state"),
            HostCert = [],
            HostKey = [],
        };
    }

    private void WriteDaemonConfig(OverlayNode node)
    {
        string root = Path.GetDirectoryName(node.ConfigFile)!;
        string wrapper = NamespaceNetwork.NebulaWrapper(Path.Combine(root, "nebula-in-netns"), node.Namespace);
        File.WriteAllText(node.ConfigFile, JsonSerializer.Serialize(new
        {
            control_plane_urls = new[] { Master.Url.ToString() },
            state_dir = node.StateDir,
            nebula_binary = wrapper,
            poll_wait_seconds = 30,
            poll_interval_seconds = 1,
            clusters = new[]
            {
                new { name = node.Name, tenant_id = node.TenantId, cluster_id = node.ClusterId, node_id = node.NodeId, node_token = node.NodeToken, cluster_token = node.ClusterToken, config_dir = Path.Combine(root, "etc") },
            },
        }));
    }
}

[Collection("overlay")]
public sealed class ManagedOverlayEndToEndTests(ManagedOverlayFixture mesh, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ManagedOverlayFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private async Task HealthyAsync()
    {
        foreach (var node in new[] { mesh.A, mesh.B })
        {
            await Wait.UntilAsync(() => node.NebulaPid is not null && mesh.Status(node) is var s
                    && s.GetProperty("nebula").GetProperty("state").GetString() == "running"
                    && s.GetProperty("applying_version").ValueKind == JsonValueKind.Null
                    && s.GetProperty("applied_version").GetInt64() == s.GetProperty("latest_version").GetInt64(),
                Patience, () => mesh.Diagnostics(node));
        }
        await Wait.UntilAsync(() => OverlayFixture.Ping(mesh.A, mesh.B) && OverlayFixture.Ping(mesh.B, mesh.A), Patience,
            () => mesh.Diagnostics(mesh.A) + mesh.Diagnostics(mesh.B));
    }

    [Fact]
    public async Task Two_daemons_enroll_with_their_own_keys_apply_their_rendered_configs_and_ping_each_other()
    {
        await HealthyAsync();
        foreach (var node in new[] { mesh.A, mesh.B })
        {
            string clusterState = Path.Combine(node.StateDir, "clusters", node.Name);
            Assert.True(File.Exists(Path.Combine(clusterState, "enrollment.json")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(clusterState, "host.key")));
            // The private key in the running config is the one generated on the node, never downloaded.
            string running = new DirectoryInfo($"/proc/{node.NebulaPid}/cwd").LinkTarget!;
            Assert.Equal(File.ReadAllText(Path.Combine(clusterState, "host.key")), File.ReadAllText(Path.Combine(running, "host.key")));
        }
    }

    [Fact]
    public async Task An_mtu_change_through_the_api_restarts_the_nebula_on_it_and_reports_the_delay()
    {
        await HealthyAsync();
        string tunA = mesh.TunDevice(mesh.A);
        int mtu = NamespaceNetwork.Exec(mesh.A.Namespace, "ip", "-o", "link", "show", "dev", tunA).Stdout.Contains(" mtu 1400 ") ? 1420 : 1400;

        var applied = await TimeUntilAsync(() => mesh.CallAsync(mesh.A, HttpMethod.Patch, $"v1/nodes/{mesh.A.NodeId}/mtu", new UpdateMtuRequest(mtu)),
            () => NamespaceNetwork.Exec(mesh.A.Namespace, "ip", "-o", "link", "show", "dev", tunA).Stdout.Contains($" mtu {mtu} "));

        output.WriteLine($"managed PKI: MTU {mtu} on node A's nebula {applied.TotalMilliseconds:0} ms after PATCH /v1/nodes/{{id}}/mtu returned (nebula restart)");
        await HealthyAsync();
    }

    [Fact]
    public async Task A_route_one_node_advertises_reaches_the_other_nodes_nebula_once_an_admin_approves_it_and_reports_the_delay()
    {
        await HealthyAsync();
        string tunA = mesh.TunDevice(mesh.A);
        string route = NamespaceNetwork.Exec(mesh.A.Namespace, "ip", "route", "show", "10.99.7.0/24").Stdout.Contains(tunA) ? "10.99.8.0/24" : "10.99.7.0/24";

        // B advertises (pending: no config changes), then A, the admin node, approves: that is the change daemons apply.
        await mesh.CallAsync(mesh.B, HttpMethod.Post, "v1/routes", new RoutesRequest([route]));
        var applied = await TimeUntilAsync(() => mesh.CallAsync(mesh.A, HttpMethod.Post, $"v1/routes/{mesh.B.NodeId}/approve", new RoutesRequest([route])),
            () => NamespaceNetwork.Exec(mesh.A.Namespace, "ip", "route", "show", route).Stdout.Contains(tunA));

        output.WriteLine($"managed PKI: route {route} via node B on node A's nebula {applied.TotalMilliseconds:0} ms after POST /v1/routes/{{id}}/approve returned (nebula restart)");
        await HealthyAsync();
    }

    /// <summary>
    /// Waits (up to 15 s) until the change is in force on a new nebula of node A and returns how long after the API call
    /// that nebula started (its kernel start time). The ≤ 1 s target is a speed figure: it is printed for the record, not
    /// asserted by a timed test.
    /// </summary>
    private async Task<TimeSpan> TimeUntilAsync(Func<Task> call, Func<bool> condition)
    {
        int? before = mesh.A.NebulaPid;
        await call();
        double called = KernelClock.Now();
        // The daemon reports no pid while it restarts nebula: wait for the new one, read once, so a restart in progress
        // cannot be mistaken for a finished one.
        int? after = null;
        await Wait.UntilAsync(() =>
        {
            if (!condition()) return false;
            after = mesh.A.NebulaPid;
            return after is not null && after != before;
        }, TimeSpan.FromSeconds(15), () => mesh.Diagnostics(mesh.A));
        return TimeSpan.FromSeconds(KernelClock.ProcessStart(after!.Value) - called);
    }
}
