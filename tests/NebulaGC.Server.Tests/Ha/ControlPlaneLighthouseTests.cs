using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Client.Pki;
using NebulaGC.Server.Lighthouse;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Tests.Ha;

/// <summary>Control-plane lighthouses: a real tun-less nebula per instance that real nodes handshake with.</summary>
public sealed class ControlPlaneLighthouseTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly int _apiPort = FreePort.Tcp();
    private readonly int _lighthousePort = FreePort.Udp();
    private TestServer _server = null!;
    private Credentials _admin = null!;
    private Process? _node;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(_dir.Combine("nebulagc.db"), publicUrl: $"http://127.0.0.1:{_apiPort}", listen: $"127.0.0.1:{_apiPort}");
        var tenant = _server.Service<TenantService>().Create("acme");
        var cluster = _server.Service<ClusterService>().Create(new CreateClusterRequest(tenant.TenantId, "lh", "10.42.0.0/16", "managed", true, _lighthousePort));
        var admin = _server.Service<NodeService>().Create(new AdminCreateNodeRequest(tenant.TenantId, cluster.ClusterId, "admin", true, null, null, null));
        _admin = new Credentials(tenant.TenantId, cluster.ClusterId, admin.NodeId, admin.NodeToken, cluster.ClusterToken);
    }

    public async Task DisposeAsync()
    {
        if (_node is { HasExited: false })
        {
            _node.Kill(entireProcessTree: true);
            await _node.WaitForExitAsync();
        }
        _node?.Dispose();
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private ControlPlaneLighthouses Lighthouses => _server.Service<ControlPlaneLighthouses>();

    private async Task<int> WaitForProcessAsync(int? notPid = null)
    {
        int started = 0;
        await Wait.UntilAsync(() =>
        {
            if (Lighthouses.ProcessFor(_admin.ClusterId)?.ProcessId is { } pid && pid != notPid)
            {
                started = pid;
                return true;
            }
            // A restart waits out its backoff on the server's (fake) clock.
            _server.Time.Advance(TimeSpan.FromSeconds(1));
            return false;
        }, TimeSpan.FromSeconds(10), () => notPid is null ? "no lighthouse nebula process started" : $"the lighthouse nebula {notPid} was not replaced");
        return started;
    }

    [Fact]
    public async Task Nodes_bundles_list_every_instance_lighthouse_at_its_reserved_address()
    {
        var key = X25519KeyPair.Generate();
        using (await _server.PostJsonAsync("/v1/node/certificate", _admin, JsonSerializer.Serialize(new NodeCertificateRequest(key.PublicKeyPem()), ContractsJsonContext.Default.NodeCertificateRequest)))
        {
        }
        var config = (await _server.BundleFilesAsync(_admin))["config.yml"];
        Assert.Contains("10.42.0.1", config);
        Assert.Contains($"127.0.0.1:{_lighthousePort}", config);
    }

    [Fact]
    public async Task Ipv6_public_addresses_are_bracketed_in_node_bundles_and_in_the_lighthouse_config_and_both_pass_nebula_test()
    {
        var nodes = _server.Service<NodeService>();
        var memberLighthouse = nodes.Create(new AdminCreateNodeRequest(_admin.TenantId, _admin.ClusterId, "lh6", false, null, null, null));
        nodes.SetLighthouse(_admin.ClusterId, memberLighthouse.NodeId, new LighthouseRequest(true, "2001:db8::10", 4243));
        // A second control-plane instance whose public URL is an IPv6 address.
        _server.Service<ReplicaService>().Record("replica-v6", "http://[2001:db8::20]:8080", "replica");

        var key = X25519KeyPair.Generate();
        using (var enroll = await _server.PostJsonAsync("/v1/node/certificate", _admin, JsonSerializer.Serialize(new NodeCertificateRequest(key.PublicKeyPem()), ContractsJsonContext.Default.NodeCertificateRequest)))
        {
            Assert.Equal(HttpStatusCode.OK, enroll.StatusCode);
        }
        using var nodeDir = new TempDirectory();
        foreach (var (name, content) in await _server.BundleFilesAsync(_admin))
        {
            nodeDir.Write(name, content);
        }
        nodeDir.Write("host.key", key.PrivateKeyPem());
        var nodeConfig = File.ReadAllText(Path.Combine(nodeDir.Path, "config.yml"));
        Assert.Contains("[2001:db8::10]:4243", nodeConfig);
        Assert.Contains($"[2001:db8::20]:{_lighthousePort}", nodeConfig);
        var nodeTest = NebulaTools.Nebula(nodeDir.Path, "-test", "-config", "config.yml");
        Assert.True(nodeTest.ExitCode == 0, nodeTest.Describe());

        await Lighthouses.ReconcileAsync();
        var lighthouseDir = Path.Combine(_dir.Path, "lighthouse", _admin.ClusterId.ToString());
        Assert.Contains("[2001:db8::10]:4243", File.ReadAllText(Path.Combine(lighthouseDir, "config.yml")));
        var lighthouseTest = NebulaTools.Nebula(lighthouseDir, "-test", "-config", "config.yml");
        Assert.True(lighthouseTest.ExitCode == 0, lighthouseTest.Describe());
    }

    [Fact]
    public async Task A_real_node_handshakes_with_the_lighthouse_which_is_restarted_when_killed_and_on_a_new_version()
    {
        await Lighthouses.ReconcileAsync();
        var firstPid = await WaitForProcessAsync();
        var lighthouseDir = Path.Combine(_dir.Path, "lighthouse", _admin.ClusterId.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(lighthouseDir, "host.key")));
        var verify = NebulaTools.NebulaCert(lighthouseDir, "verify", "-ca", "ca.crt", "-crt", "host.crt");
        Assert.True(verify.ExitCode == 0, verify.Describe());

        // The node: its own key, its certificate through the API, its config only from its bundle. Tun is turned off so
        // the test needs no tun device or namespace; the handshake is the same.
        var key = X25519KeyPair.Generate();
        using (var enroll = await _server.PostJsonAsync("/v1/node/certificate", _admin, JsonSerializer.Serialize(new NodeCertificateRequest(key.PublicKeyPem()), ContractsJsonContext.Default.NodeCertificateRequest)))
        {
            Assert.Equal(HttpStatusCode.OK, enroll.StatusCode);
        }
        await Lighthouses.ReconcileAsync();
        var secondPid = await WaitForProcessAsync(firstPid);
        Assert.NotEqual(firstPid, secondPid);

        using var nodeDir = new TempDirectory();
        foreach (var (name, content) in await _server.BundleFilesAsync(_admin))
        {
            nodeDir.Write(name, name == "config.yml" ? content.Replace("  disabled: false", "  disabled: true") : content);
        }
        nodeDir.Write("host.key", key.PrivateKeyPem());
        var info = new ProcessStartInfo("nebula") { WorkingDirectory = nodeDir.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-config");
        info.ArgumentList.Add("config.yml");
        _node = Process.Start(info)!;
        _node.BeginOutputReadLine();
        _node.BeginErrorReadLine();
        await Wait.UntilAsync(() => _server.Logs.Split('\n').Any(line => line.Contains("Handshake message received") && line.Contains("admin")), TimeSpan.FromSeconds(20),
            () => "the lighthouse never logged a handshake from the node:\n" + _server.Logs);

        Process.GetProcessById(secondPid).Kill();
        var restartedPid = await WaitForProcessAsync(secondPid);
        Assert.NotEqual(secondPid, restartedPid);
        Assert.Equal(2, Lighthouses.ProcessFor(_admin.ClusterId)!.Starts);
    }
}
