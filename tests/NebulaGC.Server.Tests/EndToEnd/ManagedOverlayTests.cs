using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Client.Pki;
using NebulaGC.Server.Tests.Pki;
using YamlDotNet.RepresentationModel;

namespace NebulaGC.Server.Tests.EndToEnd;

/// <summary>
/// The whole managed-PKI path with nothing mocked: the real server on 127.0.0.1, keys generated "on the node", certificates
/// signed through the API, and real tun-enabled nebula 1.6 processes in network namespaces configured only from the
/// NebulaGC bundle (plus their own host.key). Bundles are fetched by the test process on the host, as a daemon would,
/// and written into each node's directory; nebula runs inside its namespace with that directory as working directory.
/// </summary>
public sealed class ManagedOverlayTests : IAsyncLifetime
{
    private const int LighthousePort = 4242;
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a tunnel may take to come up (handshake via the lighthouse) before a ping must be answered.</summary>
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(30);

    private static ContractsJsonContext Json => ContractsJsonContext.Default;

    private readonly TempDirectory _dir = new();
    private TestServer _server = null!;
    private Credentials _admin = null!;
    private readonly List<OverlayNode> _nodes = [];
    private NamespaceNetwork? _network;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(_dir.Combine("nebulagc.db"));
        _admin = _server.Bootstrap("managed");
        _network = await NamespaceNetwork.CreateAsync(hostCount: 3);
    }

    public async Task DisposeAsync()
    {
        if (_network is not null)
        {
            await _network.DisposeAsync();
        }
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Two_nodes_configured_only_from_their_bundles_find_each_other_through_the_lighthouse_and_ping()
    {
        var (lighthouse, a, b) = await ClusterOfThreeAsync();
        Start(lighthouse, a, b);

        await NamespaceNetwork.WaitForPingAsync(a.Host, b.OverlayIp, PingTimeout, () => Diagnose("a could not ping b over the overlay", lighthouse, a, b));
        await NamespaceNetwork.WaitForPingAsync(b.Host, a.OverlayIp, PingTimeout, () => Diagnose("b could not ping a over the overlay", lighthouse, a, b));
        Assert.True(a.Nebula!.Logged("Handshake message received") && b.Nebula!.Logged("Handshake message received"), Diagnose("no handshake logged", lighthouse, a, b));
    }

    [Fact]
    public async Task A_deleted_nodes_traffic_is_refused_once_the_survivors_restart_on_their_new_bundles()
    {
        var (lighthouse, a, b) = await ClusterOfThreeAsync();
        Start(lighthouse, a, b);
        await NamespaceNetwork.WaitForPingAsync(b.Host, a.OverlayIp, PingTimeout, () => Diagnose("b could not ping a before the deletion", lighthouse, a, b));

        await DeleteAndDownloadSurvivorBundlesAsync(b, lighthouse, a);
        // The survivors apply their new bundles by restarting nebula (what the daemon does when a HUP is not enough).
        foreach (var survivor in new[] { lighthouse, a })
        {
            survivor.Nebula!.Dispose();
            survivor.Nebula = _network!.StartNebula(survivor.Host, survivor.Directory.Path);
            survivor.Nebula.WaitUntilNebulaRunning(StartupTimeout);
        }

        // b keeps running its old config with a certificate that is otherwise valid: only the blocklist stops it.
        Assert.False(NamespaceNetwork.AnyPingAnswered(b.Host, a.OverlayIp, attempts: 3), Diagnose("the deleted node b still reaches a", lighthouse, a, b));
        Assert.False(NamespaceNetwork.Ping(a.Host, b.OverlayIp), Diagnose("a still reaches the deleted node b", lighthouse, a, b));

        // Its tunnels died with the restarts but b does not notice by itself; restarted (as a rebooted machine would be),
        // it handshakes with the lighthouse again, which refuses the blocklisted certificate.
        b.Nebula!.Dispose();
        b.Nebula = _network!.StartNebula(b.Host, b.Directory.Path);
        b.Nebula.WaitUntilNebulaRunning(StartupTimeout);
        for (int attempt = 0; attempt < 4 && !lighthouse.Nebula!.Logged("certificate has been blocked"); attempt++)
        {
            Assert.False(NamespaceNetwork.Ping(b.Host, a.OverlayIp), Diagnose("the deleted node b reaches a after its restart", lighthouse, a, b));
        }
        string? refusal = lighthouse.Nebula!.Output.Split('\n').FirstOrDefault(line => line.Contains("certificate has been blocked", StringComparison.Ordinal));
        Assert.True(refusal is not null, Diagnose("the lighthouse did not log b's certificate as blocked", lighthouse, a, b));
        Assert.Contains(b.Fingerprint, refusal);
        Assert.False(NamespaceNetwork.Ping(a.Host, b.OverlayIp), Diagnose("a reaches the deleted node b after its restart", lighthouse, a, b));
    }

    /// <summary>
    /// Nebula 1.6 keeps an established tunnel across a SIGHUP that blocklists the peer unless <c>pki.disconnect_invalid</c> is
    /// true, which the rendered config sets: a survivor that reloads (rather than restarts) drops the deleted node at once.
    /// </summary>
    [Fact]
    public async Task A_deleted_nodes_established_tunnel_is_torn_down_when_the_survivors_reload_with_sighup()
    {
        var (lighthouse, a, b) = await ClusterOfThreeAsync();
        Start(lighthouse, a, b);
        await NamespaceNetwork.WaitForPingAsync(b.Host, a.OverlayIp, PingTimeout, () => Diagnose("b could not ping a before the deletion", lighthouse, a, b));

        await DeleteAndDownloadSurvivorBundlesAsync(b, lighthouse, a);
        lighthouse.Nebula!.Reload();
        a.Nebula!.Reload();

        // Nebula checks established tunnels' certificates on its connection-manager tick (seconds): allow ~20 s.
        await Wait.UntilAsync(() => !NamespaceNetwork.Ping(b.Host, a.OverlayIp), TimeSpan.FromSeconds(20),
            () => Diagnose("the deleted node b still reaches a 20 s after a reloaded its new bundle", lighthouse, a, b));
        Assert.False(NamespaceNetwork.Ping(b.Host, a.OverlayIp), Diagnose("the deleted node b reaches a again", lighthouse, a, b));
    }

    /// <summary>Deletes <paramref name="deleted"/> through the API; each survivor's bundle moves past its version and blocklists it.</summary>
    private async Task DeleteAndDownloadSurvivorBundlesAsync(OverlayNode deleted, params OverlayNode[] survivors)
    {
        long before = survivors.Max(s => s.Version);
        using (var delete = await _server.SendAsync(HttpMethod.Delete, $"/v1/nodes/{deleted.Credentials.NodeId}", _admin))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        foreach (var survivor in survivors)
        {
            string config = await DownloadBundleAsync(survivor);
            Assert.True(survivor.Version > before, $"{survivor.Name}'s bundle version did not move past {before} after the deletion");
            Assert.Contains(deleted.Fingerprint, Blocklist(config));
        }
    }

    [Fact]
    public async Task An_approved_route_reaches_the_others_unsafe_routes_and_the_advertisers_certificate_and_carries_traffic()
    {
        const string route = "198.51.100.0/24";
        const string behindA = "198.51.100.7";
        var (lighthouse, a, b) = await ClusterOfThreeAsync();
        long before = a.Version;

        using (var advertise = await _server.PostJsonAsync("/v1/routes", a.Credentials, JsonSerializer.Serialize(new RoutesRequest([route]), Json.RoutesRequest)))
        {
            Assert.True(advertise.IsSuccessStatusCode, await advertise.Content.ReadAsStringAsync());
        }
        using (var approve = await _server.PostJsonAsync($"/v1/routes/{a.Credentials.NodeId}/approve", _admin, JsonSerializer.Serialize(new RoutesRequest([route]), Json.RoutesRequest)))
        {
            Assert.True(approve.IsSuccessStatusCode, await approve.Content.ReadAsStringAsync());
        }
        foreach (var node in new[] { lighthouse, a, b })
        {
            await DownloadBundleAsync(node);
            Assert.True(node.Version > before, $"{node.Name}'s bundle version did not move past {before} after the route was approved");
        }

        foreach (var other in new[] { lighthouse, b })
        {
            var unsafeRoutes = UnsafeRoutes(other.Directory.Read("config.yml"));
            Assert.Contains((route, a.OverlayIp), unsafeRoutes);
        }
        Assert.DoesNotContain(UnsafeRoutes(a.Directory.Read("config.yml")), r => r.Route == route);
        var verify = NebulaTools.NebulaCert(a.Directory.Path, "verify", "-ca", "ca.crt", "-crt", "host.crt");
        Assert.True(verify.ExitCode == 0, verify.Describe());
        var print = NebulaTools.NebulaCert(a.Directory.Path, "print", "-json", "-path", "host.crt");
        Assert.True(print.ExitCode == 0, print.Describe());
        var subnets = JsonDocument.Parse(print.Stdout).RootElement.GetProperty("details").GetProperty("subnets");
        Assert.Equal([route], subnets.EnumerateArray().Select(s => s.GetString()));

        // And the route works: b reaches an address that only exists behind a, through a's tunnel.
        NamespaceNetwork.Ip("-n", a.Host.Namespace, "addr", "add", $"{behindA}/32", "dev", "lo");
        Start(lighthouse, a, b);
        await NamespaceNetwork.WaitForPingAsync(b.Host, behindA, PingTimeout, () => Diagnose($"b could not reach {behindA} behind a through the unsafe route", lighthouse, a, b));
    }

    /// <summary>
    /// A lighthouse on host 0 (marked through the API with its underlay address) and two ordinary nodes on hosts 1 and 2, each
    /// enrolled with a key generated here, and each node's bundle downloaded into its own directory.
    /// </summary>
    private async Task<(OverlayNode Lighthouse, OverlayNode A, OverlayNode B)> ClusterOfThreeAsync()
    {
        var hosts = _network!.Hosts;
        var lighthouse = await EnrollAsync("lighthouse", hosts[0]);
        var a = await EnrollAsync("node-a", hosts[1]);
        var b = await EnrollAsync("node-b", hosts[2]);
        using (var mark = await _server.PostJsonAsync($"/v1/nodes/{lighthouse.Credentials.NodeId}/lighthouse", _admin,
                   JsonSerializer.Serialize(new LighthouseRequest(true, hosts[0].Address, LighthousePort), Json.LighthouseRequest)))
        {
            Assert.True(mark.IsSuccessStatusCode, await mark.Content.ReadAsStringAsync());
        }
        Assert.Contains("am_lighthouse: true", await DownloadBundleAsync(lighthouse));
        foreach (var node in new[] { a, b })
        {
            string config = await DownloadBundleAsync(node);
            Assert.Contains($"{hosts[0].Address}:{LighthousePort}", config);
        }
        return (lighthouse, a, b);
    }

    private async Task<OverlayNode> EnrollAsync(string name, UnderlayHost host)
    {
        using var created = await _server.PostJsonAsync($"/v1/tenants/{_admin.TenantId}/clusters/{_admin.ClusterId}/nodes", _admin,
            $$"""{"name":"{{name}}","is_admin":false}""");
        var node = await created.ReadAsync(Json.CreateNodeResponse, HttpStatusCode.Created);
        var credentials = _admin.WithNode(node.NodeId, node.NodeToken);
        var key = X25519KeyPair.Generate();
        using var signed = await _server.PostJsonAsync("/v1/node/certificate", credentials,
            JsonSerializer.Serialize(new NodeCertificateRequest(key.PublicKeyPem()), Json.NodeCertificateRequest));
        var certificate = await signed.ReadAsync(Json.NodeCertificateResponse);
        var enrolled = new OverlayNode(name, host, credentials, key, node.OverlayIp.Split('/')[0], certificate.Fingerprint);
        _nodes.Add(enrolled);
        return enrolled;
    }

    /// <summary>Downloads the node's bundle, unpacks it over the node's directory, adds its host.key; returns config.yml.</summary>
    private async Task<string> DownloadBundleAsync(OverlayNode node)
    {
        using var response = await _server.GetAsync("/v1/config/bundle", node.Credentials);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        node.Version = long.Parse(response.Headers.GetValues(NebulaHeaders.ConfigVersion).Single(), System.Globalization.CultureInfo.InvariantCulture);
        var names = new List<string>();
        await using (var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress))
        using (var reader = new TarReader(gzip))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                Assert.Equal(TarEntryType.RegularFile, entry.EntryType);
                Assert.DoesNotContain('/', entry.Name);
                Assert.NotEqual("host.key", entry.Name);
                entry.ExtractToFile(node.Directory.Combine(entry.Name), overwrite: true);
                names.Add(entry.Name);
            }
        }
        Assert.Contains("config.yml", names);
        Assert.Contains("ca.crt", names);
        Assert.Contains("host.crt", names);
        string keyPath = node.Directory.Combine("host.key");
        File.WriteAllText(keyPath, node.Key.PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return node.Directory.Read("config.yml");
    }

    private void Start(params OverlayNode[] nodes)
    {
        foreach (var node in nodes)
        {
            node.Nebula = _network!.StartNebula(node.Host, node.Directory.Path);
        }
        foreach (var node in nodes)
        {
            node.Nebula!.WaitUntilNebulaRunning(StartupTimeout);
        }
    }

    private static YamlMappingNode Yaml(string config)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(config));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static List<string> Blocklist(string config) =>
        Yaml(config)["pki"] is YamlMappingNode pki && pki.Children.TryGetValue("blocklist", out var list) && list is YamlSequenceNode items
            ? items.Select(i => ((YamlScalarNode)i).Value!).ToList()
            : [];

    private static List<(string Route, string Via)> UnsafeRoutes(string config) =>
        Yaml(config)["tun"] is YamlMappingNode tun && tun.Children.TryGetValue("unsafe_routes", out var routes) && routes is YamlSequenceNode items
            ? items.Cast<YamlMappingNode>().Select(r => (((YamlScalarNode)r["route"]).Value!, ((YamlScalarNode)r["via"]).Value!)).ToList()
            : [];

    private static string Diagnose(string failure, params OverlayNode[] nodes) =>
        failure + string.Concat(nodes.Select(n => $"\n--- {n.Name} ({n.OverlayIp} on {n.Host.Address}) log:\n{n.Nebula?.Output}"));

    /// <summary>One node as its daemon would hold it: credentials, its own key, its config directory, the nebula running from it.</summary>
    private sealed class OverlayNode(string name, UnderlayHost host, Credentials credentials, X25519KeyPair key, string overlayIp, string fingerprint) : IDisposable
    {
        public string Name { get; } = name;

        public UnderlayHost Host { get; } = host;

        public Credentials Credentials { get; } = credentials;

        public X25519KeyPair Key { get; } = key;

        public string OverlayIp { get; } = overlayIp;

        /// <summary>Fingerprint of the certificate signed at enrolment.</summary>
        public string Fingerprint { get; } = fingerprint;

        public TempDirectory Directory { get; } = new();

        public long Version { get; set; }

        public BackgroundProcess? Nebula { get; set; }

        public void Dispose() => Directory.Dispose();
    }
}
