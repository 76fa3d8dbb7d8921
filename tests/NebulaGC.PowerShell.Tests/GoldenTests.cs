using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Tests;

/// <summary>
/// Golden files pin what the templates render for fixed settings, so a template change shows up as a reviewed diff.
/// Refresh with NEBULAGC_UPDATE_GOLDEN=1 dotnet test --filter GoldenTests. The module version is normalised to
/// &lt;version&gt;; generated secrets are not pinned (they are random by design).
/// </summary>
public sealed class GoldenTests
{
    private static readonly string GoldenDir = Path.Combine(RepositoryPaths.Root, "tests", "NebulaGC.PowerShell.Tests", "Golden");

    private static DeploymentSettings Settings() => new()
    {
        Replicas = [new ReplicaSettings { Type = ReplicaType.S3, Bucket = "nebulagc-backups", Region = "eu-west-1" }],
        Backends = [new BackendSettings { Name = "cp1", Address = "10.0.0.11:8080" }, new BackendSettings { Name = "cp2", Address = "10.0.0.12:8080" }],
    };

    public static TheoryData<string> Cases() =>
    [
        "systemd/nebulagc-server.service", "systemd/nebulagc-server.env", "systemd/nebulagc-daemon.service", "systemd/litestream.service",
        "k8s-litestream/statefulset.yaml", "k8s-litestream/kustomization.yaml", "k8s-litestream/daemonset.yaml", "k8s-litestream/config/litestream.yml",
        "litestream-0.5/litestream.yml", "haproxy/haproxy.cfg", "nginx/nginx.conf", "monitoring/nebulagc.rules.yml",
        "compose-litestream/docker-compose.yml", "docker/Dockerfile.server", "litefs/litefs.yml",
    ];

    private static IReadOnlyList<RenderedFile> Render(string group) => group switch
    {
        "systemd" => SystemdRenderer.Render(Toolkit.Context(Settings()), new SystemdRequest(SystemdComponent.Server))
            .Concat(SystemdRenderer.Render(Toolkit.Context(Settings()), new SystemdRequest(SystemdComponent.Daemon)))
            .Concat(SystemdRenderer.Render(Toolkit.Context(Settings()), new SystemdRequest(SystemdComponent.Litestream))).ToList(),
        "k8s-litestream" => K8sRenderer.Render(Toolkit.Context(Settings()), Topology.Litestream),
        "litestream-0.5" => LitestreamRenderer.Render(Toolkit.Context(With(Settings(), s => s.LitestreamVersion = LitestreamVersion.V0_5))),
        "haproxy" => LoadBalancerRenderer.Render(Toolkit.Context(Settings()), LoadBalancerKind.HAProxy),
        "nginx" => LoadBalancerRenderer.Render(Toolkit.Context(Settings()), LoadBalancerKind.Nginx),
        "monitoring" => MonitoringRenderer.Render(Toolkit.Context(Settings()), includeLiteFS: false),
        "compose-litestream" => ContainerRenderer.RenderCompose(Toolkit.Context(Settings()), Topology.Litestream),
        "docker" => ContainerRenderer.RenderDockerfile(Toolkit.Context(Settings()), ContainerComponent.Server),
        "litefs" => [LiteFSRenderer.Render(Toolkit.Context(Settings()), LiteFSRenderer.ServerExec(Settings()), "${HOSTNAME}", "http://${HOSTNAME}:20202")],
        _ => throw new ArgumentOutOfRangeException(nameof(group), group, null),
    };

    private static DeploymentSettings With(DeploymentSettings s, Action<DeploymentSettings> change)
    {
        change(s);
        return s;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rendered_output_matches_its_golden_file(string name)
    {
        var group = name[..name.IndexOf('/')];
        var relative = name[(name.IndexOf('/') + 1)..];
        var actual = Render(group).Single(f => f.RelativePath == relative).Content.Replace(ModuleInfo.Version, "<version>");
        var golden = Path.Combine(GoldenDir, name);
        if (Environment.GetEnvironmentVariable("NEBULAGC_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(golden)!);
            File.WriteAllText(golden, actual);
        }
        Assert.True(File.Exists(golden), $"no golden file {golden}: run with NEBULAGC_UPDATE_GOLDEN=1 once and review it");
        Assert.Equal(File.ReadAllText(golden), actual);
    }
}
