using System.Net;
using System.Text;
using System.Text.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.Client.Pki;
using NebulaGC.Server.Services;
using NebulaGC.Server.Tests.Pki;

namespace NebulaGC.Server.Tests.Api;

/// <summary>Managed PKI through the REST API, checked with the real nebula-cert and nebula.</summary>
public sealed class ManagedPkiTests : ServerTestBase
{
    private static ContractsJsonContext Json => ContractsJsonContext.Default;

    protected override string Pki => "managed";

    private async Task<(X25519KeyPair Key, NodeCertificateResponse Certificate)> EnrollAsync(Credentials node)
    {
        var key = X25519KeyPair.Generate();
        using var response = await Server.PostJsonAsync("/v1/node/certificate", node, JsonSerializer.Serialize(new NodeCertificateRequest(key.PublicKeyPem()), Json.NodeCertificateRequest));
        return (key, await response.ReadAsync(Json.NodeCertificateResponse));
    }

    /// <summary>The bundle plus the node's own key, as the daemon lays it out, passes <c>nebula -test</c>.</summary>
    private void AssertNebulaAccepts(Dictionary<string, string> files, X25519KeyPair key)
    {
        using var dir = new TempDirectory();
        WriteBundle(dir, files, key);
        var test = NebulaTools.Nebula(dir.Path, "-test", "-config", "config.yml");
        Assert.True(test.ExitCode == 0, test.Describe());
    }

    private string WriteBundle(TempDirectory dir, Dictionary<string, string> files, X25519KeyPair key)
    {
        foreach (var (name, content) in files)
        {
            dir.Write(name, content);
        }
        dir.Write("host.key", key.PrivateKeyPem());
        return dir.Path;
    }

    [Fact]
    public async Task Issued_certificate_verifies_against_the_cluster_ca_and_carries_name_ip_and_groups()
    {
        using var created = await Server.PostJsonAsync($"/v1/tenants/{Admin.TenantId}/clusters/{Admin.ClusterId}/nodes", Admin, """{"name":"web-1","is_admin":false,"groups":["web","prod"]}""");
        var createdNode = await created.ReadAsync(Json.CreateNodeResponse, HttpStatusCode.Created);
        var node = Admin.WithNode(createdNode.NodeId, createdNode.NodeToken);
        var (key, issued) = await EnrollAsync(node);
        var files = await Server.BundleFilesAsync(node);
        Assert.Equal(issued.Certificate, files["host.crt"]);
        using var dir = new TempDirectory();
        WriteBundle(dir, files, key);

        var verify = NebulaTools.NebulaCert(dir.Path, "verify", "-ca", "ca.crt", "-crt", "host.crt");
        Assert.True(verify.ExitCode == 0, verify.Describe());
        var print = NebulaTools.NebulaCert(dir.Path, "print", "-json", "-path", "host.crt");
        Assert.True(print.ExitCode == 0, print.Describe());
        var details = JsonDocument.Parse(print.Stdout).RootElement.GetProperty("details");
        Assert.Equal("web-1", details.GetProperty("name").GetString());
        Assert.Equal("10.42.0.17/16", details.GetProperty("ips")[0].GetString());
        Assert.False(details.GetProperty("isCa").GetBoolean());
        Assert.Equal(["prod", "web"], details.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        var notAfter = DateTimeOffset.Parse(details.GetProperty("notAfter").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(notAfter - Server.Time.GetUtcNow(), TimeSpan.FromDays(364), TimeSpan.FromDays(366));
        Assert.Equal(issued.NotAfter, notAfter);
        Assert.Equal(issued.Fingerprint, JsonDocument.Parse(print.Stdout).RootElement.GetProperty("fingerprint").GetString());
        var test = NebulaTools.Nebula(dir.Path, "-test", "-config", "config.yml");
        Assert.True(test.ExitCode == 0, test.Describe());
    }

    [Fact]
    public async Task Bundle_before_any_certificate_is_409_and_external_clusters_refuse_to_sign()
    {
        var node = await Server.CreateNodeAsync(Admin, "early");
        using var early = await Server.GetAsync("/v1/config/bundle", node);
        Assert.Contains("POST /v1/node/certificate", await early.AssertErrorAsync(HttpStatusCode.Conflict, ErrorCodes.Conflict));

        var tenant = Server.Service<TenantService>().Create("ext");
        var cluster = Server.Service<ClusterService>().Create(new CreateClusterRequest(tenant.TenantId, "ext", null, "external", false, null));
        var admin = Server.Service<NodeService>().Create(new AdminCreateNodeRequest(tenant.TenantId, cluster.ClusterId, "a", true, null, null, null));
        var external = new Credentials(tenant.TenantId, cluster.ClusterId, admin.NodeId, admin.NodeToken, cluster.ClusterToken);
        using var refused = await Server.PostJsonAsync("/v1/node/certificate", external, JsonSerializer.Serialize(new NodeCertificateRequest(X25519KeyPair.Generate().PublicKeyPem()), Json.NodeCertificateRequest));
        await refused.AssertErrorAsync(HttpStatusCode.Conflict, ErrorCodes.Conflict);
    }

    [Theory]
    [InlineData("""{"public_key":""}""")]
    [InlineData("""{"public_key":"-----BEGIN NEBULA X25519 PUBLIC KEY-----\nAAAA\n-----END NEBULA X25519 PUBLIC KEY-----\n"}""")]
    [InlineData("""{"public_key":"-----BEGIN NEBULA ED25519 PUBLIC KEY-----\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n-----END NEBULA ED25519 PUBLIC KEY-----\n"}""")]
    [InlineData("""{}""")]
    public async Task A_malformed_public_key_is_400_and_changes_nothing(string body)
    {
        var before = ClusterVersion();
        using var response = await Server.PostJsonAsync("/v1/node/certificate", Admin, body);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
        Assert.Equal(before, ClusterVersion());
    }

    [Fact]
    public async Task Resubmitting_renews_the_certificate_and_blocklists_the_old_one()
    {
        var node = await Server.CreateNodeAsync(Admin, "renew");
        var (_, first) = await EnrollAsync(node);
        var before = ClusterVersion();
        var (_, second) = await EnrollAsync(node);
        Assert.NotEqual(first.Fingerprint, second.Fingerprint);
        Assert.Equal(before + 1, second.ConfigVersion);
        await EnrollAsync(Admin);
        var adminBundle = await Server.BundleFilesAsync(Admin);
        Assert.Contains(first.Fingerprint, adminBundle["config.yml"]);
        Assert.DoesNotContain(second.Fingerprint, adminBundle["config.yml"]);
    }

    [Fact]
    public async Task Deleting_a_node_puts_its_certificate_in_every_other_nodes_blocklist()
    {
        var gone = await Server.CreateNodeAsync(Admin, "gone");
        var (_, goneCert) = await EnrollAsync(gone);
        var (adminKey, _) = await EnrollAsync(Admin);
        using (var delete = await Server.SendAsync(HttpMethod.Delete, $"/v1/nodes/{gone.NodeId}", Admin))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        var files = await Server.BundleFilesAsync(Admin);
        Assert.Contains(goneCert.Fingerprint, files["config.yml"]);
        AssertNebulaAccepts(files, adminKey);
    }

    [Fact]
    public async Task A_route_one_node_advertises_reaches_the_others_unsafe_routes_and_its_certificate_only_once_approved()
    {
        var router = await Server.CreateNodeAsync(Admin, "router");
        await EnrollAsync(router);
        var (adminKey, _) = await EnrollAsync(Admin);
        using (var advertise = await Server.PostJsonAsync("/v1/routes", router, """{"routes":["192.168.77.0/24"]}"""))
        {
            Assert.Equal(["192.168.77.0/24"], (await advertise.ReadAsync(ContractsJsonContext.Default.NodeRoutes)).Pending);
        }
        Assert.DoesNotContain("192.168.77.0/24", (await Server.BundleFilesAsync(Admin))["config.yml"]);
        using (var certDir = new TempDirectory())
        {
            certDir.Write("host.crt", (await Server.BundleFilesAsync(router))["host.crt"]);
            var pending = JsonDocument.Parse(NebulaTools.NebulaCert(certDir.Path, "print", "-json", "-path", "host.crt").Stdout).RootElement;
            Assert.Empty(pending.GetProperty("details").GetProperty("subnets").EnumerateArray());
        }

        using (var approve = await Server.PostJsonAsync($"/v1/routes/{router.NodeId}/approve", Admin, """{"routes":["192.168.77.0/24"]}"""))
        {
            Assert.Equal(["192.168.77.0/24"], (await approve.ReadAsync(ContractsJsonContext.Default.NodeRoutes)).Approved);
        }
        var adminFiles = await Server.BundleFilesAsync(Admin);
        Assert.Contains("192.168.77.0/24", adminFiles["config.yml"]);
        Assert.Contains("10.42.0.17", adminFiles["config.yml"]);
        var routerFiles = await Server.BundleFilesAsync(router);
        Assert.DoesNotContain("192.168.77.0/24", routerFiles["config.yml"]);
        using (var certDir = new TempDirectory())
        {
            certDir.Write("host.crt", routerFiles["host.crt"]);
            var print = JsonDocument.Parse(NebulaTools.NebulaCert(certDir.Path, "print", "-json", "-path", "host.crt").Stdout).RootElement;
            Assert.Equal("192.168.77.0/24", print.GetProperty("details").GetProperty("subnets")[0].GetString());
        }
        AssertNebulaAccepts(adminFiles, adminKey);
    }

    [Fact]
    public async Task Mtu_and_lighthouse_flags_reach_the_rendered_configs()
    {
        var lighthouse = await Server.CreateNodeAsync(Admin, "lh");
        var (lhKey, _) = await EnrollAsync(lighthouse);
        await EnrollAsync(Admin);
        using (await Server.PostJsonAsync($"/v1/nodes/{lighthouse.NodeId}/lighthouse", Admin, """{"is_lighthouse":true,"public_ip":"127.0.0.1","lighthouse_port":4300}"""))
        using (await Server.SendAsync(HttpMethod.Patch, $"/v1/nodes/{Admin.NodeId}/mtu", Admin, new StringContent("""{"mtu":1420}""", Encoding.UTF8, "application/json")))
        {
        }
        var adminConfig = (await Server.BundleFilesAsync(Admin))["config.yml"];
        Assert.Contains("1420", adminConfig);
        Assert.Contains(NebulaGC.Server.NebulaConfig.NebulaConfigBuilder.TunDeviceName(Admin.ClusterId), adminConfig);
        Assert.Contains("127.0.0.1:4300", adminConfig);
        var lhFiles = await Server.BundleFilesAsync(lighthouse);
        Assert.Contains("am_lighthouse: true", lhFiles["config.yml"]);
        Assert.Contains("4300", lhFiles["config.yml"]);
        AssertNebulaAccepts(lhFiles, lhKey);
    }

    [Fact]
    public async Task Cluster_firewall_rules_extend_every_nodes_default_firewall()
    {
        var (key, _) = await EnrollAsync(Admin);
        var before = ClusterVersion();
        var set = Server.Service<ClusterService>().SetFirewall(Admin.ClusterId, ["tcp/443", "tcp/22@admins", "udp/5000-5010"]);
        Assert.Equal(before + 1, set.ConfigVersion);
        var files = await Server.BundleFilesAsync(Admin);
        var config = files["config.yml"];
        Assert.Contains("\"443\"", config);
        Assert.Contains("admins", config);
        Assert.Contains("icmp", config);
        AssertNebulaAccepts(files, key);
    }

    [Theory]
    [InlineData("tcp", "is not PROTO/PORT[@GROUP]")]
    [InlineData("sctp/80", "is not PROTO/PORT[@GROUP]")]
    [InlineData("tcp/80@bad group", "is not PROTO/PORT[@GROUP]")]
    [InlineData("tcp/70000", "port outside 1–65535")]
    public void Invalid_firewall_rules_are_bad_requests_saying_what_is_wrong(string rule, string reason)
    {
        var before = ClusterVersion();
        var error = Assert.Throws<NebulaGC.Server.Domain.InvalidInput>(() => Server.Service<ClusterService>().SetFirewall(Admin.ClusterId, [rule]));
        Assert.Contains(reason, error.Message);
        Assert.Equal(before, ClusterVersion());
    }

    [Fact]
    public async Task Bundle_bytes_are_stable_for_a_version_and_304_when_current()
    {
        await EnrollAsync(Admin);
        using var first = await Server.GetAsync("/v1/config/bundle", Admin);
        using var second = await Server.GetAsync("/v1/config/bundle", Admin);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
        var version = first.Headers.GetValues(NebulaHeaders.ConfigVersion).Single();
        using var current = await Server.GetAsync($"/v1/config/bundle?current_version={version}", Admin);
        Assert.Equal(HttpStatusCode.NotModified, current.StatusCode);
    }

    [Fact]
    public async Task Rotating_the_ca_keeps_both_cas_trusted_and_re_signs_every_certificate_with_the_new_one()
    {
        var node = await Server.CreateNodeAsync(Admin, "n");
        var (key, before) = await EnrollAsync(node);
        var rotated = Server.Service<PkiService>().RotateCa(Admin.ClusterId, TimeSpan.FromDays(7));
        Assert.Equal(1, rotated.CertificatesResigned);
        var files = await Server.BundleFilesAsync(node);
        Assert.Equal(2, files["ca.crt"].Split("BEGIN NEBULA CERTIFICATE").Length - 1);
        Assert.NotEqual(before.Certificate, files["host.crt"]);
        using var dir = new TempDirectory();
        WriteBundle(dir, files, key);
        dir.Write("new-ca.crt", files["ca.crt"][..(files["ca.crt"].IndexOf("-----END NEBULA CERTIFICATE-----", StringComparison.Ordinal) + "-----END NEBULA CERTIFICATE-----\n".Length)]);
        var verify = NebulaTools.NebulaCert(dir.Path, "verify", "-ca", "new-ca.crt", "-crt", "host.crt");
        Assert.True(verify.ExitCode == 0, verify.Describe());
        var print = JsonDocument.Parse(NebulaTools.NebulaCert(dir.Path, "print", "-json", "-path", "host.crt").Stdout).RootElement;
        Assert.Equal(rotated.CaFingerprint, print.GetProperty("details").GetProperty("issuer").GetString());

    }
}
