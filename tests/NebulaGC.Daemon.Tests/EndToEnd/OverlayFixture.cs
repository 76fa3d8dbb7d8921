using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Daemon.Tests.Support;

namespace NebulaGC.Daemon.Tests.EndToEnd;

/// <summary>One node of the end-to-end overlay: its cluster credentials, daemon, namespace and addresses.</summary>
public sealed class OverlayNode
{
    public required string Name { get; init; }
    public required string Namespace { get; init; }
    public required string OverlayIp { get; init; }
    public required string Underlay { get; init; }
    public required string TunDevice { get; init; }
    public required Guid TenantId { get; init; }
    public required Guid ClusterId { get; init; }
    public required Guid NodeId { get; init; }
    public required string NodeToken { get; init; }
    public required string ClusterToken { get; init; }
    public required string ConfigFile { get; init; }
    public required string StateDir { get; init; }
    public required byte[] HostCert { get; init; }
    public required byte[] HostKey { get; init; }
    public BackgroundProcess? Daemon { get; set; }
    public OverlayNode Peer { get; set; } = null!;

    public string PidFile => Path.Combine(StateDir, "clusters", Name, "nebula.pid");

    /// <summary>Adds this node's five authentication headers to an API request.</summary>
    public void Authenticate(HttpRequestMessage request)
    {
        request.Headers.Add(NebulaHeaders.TenantId, TenantId.ToString());
        request.Headers.Add(NebulaHeaders.ClusterId, ClusterId.ToString());
        request.Headers.Add(NebulaHeaders.NodeId, NodeId.ToString());
        request.Headers.Add(NebulaHeaders.NodeToken, NodeToken);
        request.Headers.Add(NebulaHeaders.ClusterToken, ClusterToken);
    }

    public int? NebulaPid => File.Exists(PidFile) && int.Parse(File.ReadAllText(PidFile).Split(' ')[0]) is var pid && Supervision.NebulaProcess.IsAlive(pid) ? pid : null;

    /// <summary>Stops the daemon (SIGTERM), then kills the nebula it leaves running and waits until that is gone.</summary>
    public async Task StopAsync()
    {
        Daemon?.Terminate();
        Daemon?.Dispose();
        if (NebulaPid is { } pid)
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();
            await Wait.UntilAsync(() => !Supervision.NebulaProcess.IsAlive(pid), TimeSpan.FromSeconds(10), () => $"nebula {pid} of {Name} outlived SIGKILL");
        }
    }
}

/// <summary>
/// The real thing, once per test class: a master and a replica <c>nebulagc-server</c> on 127.0.0.1 sharing one
/// SQLite file, two clusters in external-PKI mode (one bundle per cluster, so one node each), two real
/// <c>nebulagc</c> daemons, and their nebulas in two network namespaces joined by a veth underlay.
/// </summary>
public sealed class OverlayFixture : IAsyncLifetime
{
    private readonly TempDirectory dir = new();
    private NamespaceNetwork? namespaces;
    private NebulaPki pki = null!;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public ServerInstance Master { get; private set; } = null!;
    public ServerInstance Replica { get; private set; } = null!;
    public OverlayNode A { get; private set; } = null!;
    public OverlayNode B { get; private set; } = null!;
    public string Db => dir.Combine("server", "nebulagc.db");

    public async Task InitializeAsync()
    {
        namespaces = await NamespaceNetwork.CreateAsync(hostCount: 2);
        pki = new NebulaPki(dir.Combine("pki"));
        Directory.CreateDirectory(dir.Combine("server"));
        ServerInstance.Migrate(Db);
        var tenant = ServerInstance.Cli(Db, "tenant", "create", "--name", "e2e").GetProperty("tenant_id").GetGuid();
        A = CreateNode(tenant, "site-a", namespaces.Hosts[0].Namespace, "10.42.0.2", namespaces.Hosts[0].Address, "ngca");
        B = CreateNode(tenant, "site-b", namespaces.Hosts[1].Namespace, "10.42.0.3", namespaces.Hosts[1].Address, "ngcb");
        A.Peer = B;
        B.Peer = A;

        Master = new ServerInstance(dir.Combine("server", "master"), Db, "master", "e2e-master");
        await Master.StartAsync();
        Replica = new ServerInstance(dir.Combine("server", "replica"), Db, "replica", "e2e-replica");
        await Replica.StartAsync();

        foreach (var node in new[] { A, B })
        {
            await UploadAsync(node, Bundle(node, mtu: 1300));
            WriteDaemonConfig(node);
            StartDaemon(node);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in new[] { A, B }.Where(n => n is not null))
        {
            await node.StopAsync();
        }
        Master?.Dispose();
        Replica?.Dispose();
        if (namespaces is not null)
        {
            await namespaces.DisposeAsync();
        }
        http.Dispose();
        dir.Dispose();
    }

    public string Diagnostics(OverlayNode node) =>
        $"daemon {node.Name} output:\n{node.Daemon?.Output}\nmaster:\n{Tail(Master.Output)}";

    public void StartDaemon(OverlayNode node) =>
        node.Daemon = BackgroundProcess.Dotnet(RepositoryPaths.DaemonDll, ["daemon", "--config", node.ConfigFile]);

    public void StopDaemon(OverlayNode node)
    {
        node.Daemon?.Terminate();
        node.Daemon?.Dispose();
        node.Daemon = null;
    }

    /// <summary>A bundle for <paramref name="node"/>: its own cert and key, the peer in static_host_map, the given MTU and routes.</summary>
    public byte[] Bundle(OverlayNode node, int mtu, string? unsafeRoute = null, Func<string, string>? edit = null)
    {
        string config = NebulaConfigs.Render(4242, tunDisabled: false, mtu, node.TunDevice,
            new Dictionary<string, string> { [node.Peer.OverlayIp] = $"{node.Peer.Underlay}:4242" }, listenHost: "0.0.0.0");
        if (unsafeRoute is not null)
        {
            config = config.Replace($"  mtu: {mtu}\n", $"  mtu: {mtu}\n  unsafe_routes:\n    - route: {unsafeRoute}\n      via: {node.Peer.OverlayIp}\n");
        }
        config = edit?.Invoke(config) ?? config;
        return Bundles.Create(new Dictionary<string, byte[]>
        {
            ["config.yml"] = Encoding.UTF8.GetBytes(config),
            ["ca.crt"] = pki.CaCert,
            ["host.crt"] = node.HostCert,
            ["host.key"] = node.HostKey,
        });
    }

    /// <summary><c>POST /v1/config/bundle</c> on the master, as an admin node; returns the new version.</summary>
    public async Task<long> UploadAsync(OverlayNode node, byte[] bundle)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Master.Url, "v1/config/bundle")) { Content = new ByteArrayContent(bundle) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        node.Authenticate(request);
        using var response = await http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"upload for {node.Name} failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("version").GetInt64();
    }

    /// <summary><c>nebulagc status --output json</c> for the node, through the real executable.</summary>
    public JsonElement Status(OverlayNode node) => Nebulagc.ClusterStatus(node.ConfigFile, () => Diagnostics(node));

    public static bool Ping(OverlayNode from, OverlayNode to) =>
        NamespaceNetwork.Exec(from.Namespace, "ping", "-c", "1", "-W", "1", to.OverlayIp).ExitCode == 0;

    public static int? LinkMtu(OverlayNode node)
    {
        var (code, output, _) = NamespaceNetwork.Exec(node.Namespace, "ip", "-o", "link", "show", "dev", node.TunDevice);
        if (code != 0)
        {
            return null;
        }
        var parts = output.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int i = Array.IndexOf(parts, "mtu");
        return i >= 0 ? int.Parse(parts[i + 1]) : null;
    }

    public static bool HasRoute(OverlayNode node, string cidr) =>
        NamespaceNetwork.Exec(node.Namespace, "ip", "route", "show", cidr).Stdout.Contains(node.TunDevice);

    private OverlayNode CreateNode(Guid tenant, string name, string ns, string overlayIp, string underlay, string tun)
    {
        var cluster = ServerInstance.Cli(Db, "cluster", "create", "--tenant-id", tenant.ToString(), "--name", name, "--pki", "external");
        string clusterId = cluster.GetProperty("cluster_id").GetString()!;
        string clusterToken = cluster.GetProperty("cluster_token").GetString()!;
        var created = ServerInstance.Cli(Db, "node", "create", "--tenant-id", tenant.ToString(), "--cluster-id", clusterId, "--name", $"{name}-node", "--admin", "--cluster-token", clusterToken);
        var (cert, key) = pki.SignHost(name, overlayIp + "/24");
        string root = dir.Combine("nodes", name);
        Directory.CreateDirectory(root);
        return new OverlayNode
        {
            Name = name,
            Namespace = ns,
            OverlayIp = overlayIp,
            Underlay = underlay,
            TunDevice = tun,
            TenantId = tenant,
            ClusterId = Guid.Parse(clusterId),
            NodeId = created.GetProperty("node_id").GetGuid(),
            NodeToken = created.GetProperty("node_token").GetString()!,
            ClusterToken = clusterToken,
            ConfigFile = Path.Combine(root, "daemon.json"),
            StateDir = Path.Combine(root, "state"),
            HostCert = cert,
            HostKey = key,
        };
    }

    private void WriteDaemonConfig(OverlayNode node)
    {
        string root = Path.GetDirectoryName(node.ConfigFile)!;
        string wrapper = NamespaceNetwork.NebulaWrapper(Path.Combine(root, "nebula-in-netns"), node.Namespace);
        var config = new
        {
            control_plane_urls = new[] { Master.Url.ToString(), Replica.Url + "v1" },
            state_dir = node.StateDir,
            nebula_binary = wrapper,
            poll_wait_seconds = 5,
            poll_interval_seconds = 1,
            clusters = new[]
            {
                new
                {
                    name = node.Name,
                    tenant_id = node.TenantId,
                    cluster_id = node.ClusterId,
                    node_id = node.NodeId,
                    node_token = node.NodeToken,
                    cluster_token = node.ClusterToken,
                    config_dir = Path.Combine(root, "etc"),
                },
            },
        };
        File.WriteAllText(node.ConfigFile, JsonSerializer.Serialize(config));
        File.SetUnixFileMode(node.ConfigFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;
}
