using NebulaGC.PowerShell.Rendering;
using YamlDotNet.RepresentationModel;

namespace NebulaGC.PowerShell.Tests;

public sealed class LiteFSTests
{
    private static YamlMappingNode Lease(RenderedFile f) => (YamlMappingNode)((YamlMappingNode)YamlCheck.Parse(f.Content, "litefs.yml")[0].RootNode)["lease"];

    [Fact]
    public void Consul_lease_config_uses_only_LiteFS_keys_and_runs_the_server_once_mounted()
    {
        var file = LiteFSRenderer.Render(Toolkit.Context(new DeploymentSettings { ConsulUrl = "http://consul.internal:8500" }),
            exec: "/usr/local/bin/nebulagc-server serve", hostname: "${HOSTNAME}", advertiseUrl: "http://${HOSTNAME}:20202");
        LiteFSRenderer.Check(file.Content, "litefs.yml");
        var lease = Lease(file);
        Assert.Equal("consul", lease["type"].ToString());
        Assert.Equal("http://consul.internal:8500", ((YamlMappingNode)lease["consul"])["url"].ToString());
        Assert.Contains("- cmd: \"/usr/local/bin/nebulagc-server serve\"", file.Content);
    }

    [Fact]
    public void On_a_host_LiteFS_runs_the_server_as_the_unprivileged_user_with_every_capability_dropped()
    {
        var exec = LiteFSRenderer.ServerExec(new DeploymentSettings());
        Assert.Equal("setpriv --reuid=nebulagc --regid=nebulagc --init-groups --no-new-privs --inh-caps=-all --bounding-set=-all -- /usr/local/bin/nebulagc-server serve", exec);
        // setpriv accepts exactly these options (util-linux on this machine): parse them with a harmless command as root.
        var result = ProcessRunner.Run("setpriv", ["--reuid=nobody", "--regid=nogroup", "--init-groups", "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--", "id", "-u"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.NotEqual("0", result.Stdout.Trim());
    }

    [Fact]
    public void Static_lease_names_the_primary_and_needs_one()
    {
        var file = LiteFSRenderer.Render(Toolkit.Context(new DeploymentSettings { Lease = LeaseType.Static, PrimaryHostname = "cp1", Candidate = false }),
            exec: "", hostname: "cp1", advertiseUrl: "http://cp1:20202");
        var lease = Lease(file);
        Assert.Equal("static", lease["type"].ToString());
        Assert.Equal("cp1", lease["hostname"].ToString());
        Assert.Equal("false", lease["candidate"].ToString());
        Assert.False(lease.Children.ContainsKey("consul"));
        var e = Assert.Throws<NebulaGCException>(() => LiteFSRenderer.Render(Toolkit.Context(new DeploymentSettings { Lease = LeaseType.Static }), "", "x", "http://x:20202"));
        Assert.Equal(ErrorIds.SettingsInvalid, e.Id);
    }

    [Fact]
    public void The_key_list_rejects_a_key_LiteFS_would_refuse_at_startup()
    {
        var e = Assert.Throws<NebulaGCException>(() => LiteFSRenderer.Check("lease:\n  type: consul\n  consul:\n    address: x\n", "litefs.yml"));
        Assert.Equal(ErrorIds.LiteFSUnknownKey, e.Id);
        Assert.Equal("lease.consul.address", e.Target);
    }

    [Fact]
    public void Compose_LiteFS_points_the_lease_at_its_own_consul()
    {
        var files = ContainerRenderer.RenderCompose(Toolkit.Context(), Topology.LiteFS);
        var litefs = files.Single(f => f.Kind == "LiteFSConfig");
        Assert.Equal("http://consul:8500", ((YamlMappingNode)Lease(litefs)["consul"])["url"].ToString());
    }
}
