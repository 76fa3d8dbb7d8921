using k8s;
using k8s.Models;
using NebulaGC.PowerShell.Validation;
using NebulaGC.PowerShell.Rendering;
using Xunit.Abstractions;

namespace NebulaGC.PowerShell.Tests;

public sealed class K8sTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DeploymentSettings Settings() => new()
    {
        Replicas = [new ReplicaSettings { Type = ReplicaType.S3, Bucket = "nebulagc-backups", Region = "eu-west-1" }],
    };

    private string RenderAndBuild(Topology topology)
    {
        var dir = _dir.Combine(topology.ToString());
        Toolkit.WriteTo(dir, K8sRenderer.Render(Toolkit.Context(Settings()), topology));
        var result = ProcessRunner.Run("kubectl", ["kustomize", dir]);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize {topology}: {result}");
        Assert.Equal("", result.Stderr.Trim());
        return result.Stdout;
    }

    /// <summary>Typed, strict deserialisation: an unknown field or a wrongly typed value anywhere is an error.</summary>
    private static List<object> Objects(string yaml) => KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true).ToList();

    [Theory]
    [InlineData(Topology.Single)]
    [InlineData(Topology.Litestream)]
    [InlineData(Topology.LiteFS)]
    public void Kustomize_builds_every_topology_and_every_object_passes_the_strict_schema(Topology topology)
    {
        var yaml = RenderAndBuild(topology);
        var objects = Objects(yaml);
        output.WriteLine($"{topology}: {string.Join(", ", objects.Select(o => ((IKubernetesObject)o).Kind))}");
        var kinds = objects.Select(o => ((IKubernetesObject)o).Kind).ToList();
        foreach (var kind in new[] { "Namespace", "ServiceAccount", "ConfigMap", "Secret", "StatefulSet", "Service", "PodDisruptionBudget", "NetworkPolicy", "DaemonSet" })
        {
            Assert.Contains(kind, kinds);
        }
        Assert.All(objects, o => Assert.IsNotType<Dictionary<object, object>>(o));
    }

    [Fact]
    public void The_strict_schema_check_rejects_an_unknown_field()
    {
        var yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  prots:\n    - port: 80\n";
        Assert.ThrowsAny<Exception>(() => Objects(yaml));
    }

    [Theory]
    [InlineData(Topology.Single)]
    [InlineData(Topology.Litestream)]
    public void Server_pod_meets_pod_security_restricted(Topology topology)
    {
        var objects = Objects(RenderAndBuild(topology));
        var sts = objects.OfType<V1StatefulSet>().Single();
        var violations = PodSecurity.RestrictedViolations(sts.Spec.Template.Spec);
        Assert.True(violations.Count == 0, string.Join("\n", violations));
        var ns = objects.OfType<V1Namespace>().Single(n => n.Metadata.Name == sts.Metadata.NamespaceProperty);
        Assert.Equal("restricted", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
    }

    [Fact]
    public void The_restricted_check_catches_the_privileged_LiteFS_pod_so_its_namespace_is_labelled_privileged()
    {
        var objects = Objects(RenderAndBuild(Topology.LiteFS));
        var sts = objects.OfType<V1StatefulSet>().Single();
        var violations = PodSecurity.RestrictedViolations(sts.Spec.Template.Spec);
        Assert.Contains(violations, v => v.Contains("privileged"));
        var ns = objects.OfType<V1Namespace>().Single(n => n.Metadata.Name == sts.Metadata.NamespaceProperty);
        Assert.Equal("privileged", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
    }

    [Fact]
    public void Daemon_gets_NET_ADMIN_and_a_tun_device_resource_and_nothing_more()
    {
        var objects = Objects(RenderAndBuild(Topology.Single));
        var ds = objects.OfType<V1DaemonSet>().Single();
        var pod = ds.Spec.Template.Spec;
        var c = Assert.Single(pod.Containers);
        Assert.Equal(["ALL"], c.SecurityContext.Capabilities.Drop);
        Assert.Equal(["NET_ADMIN"], c.SecurityContext.Capabilities.Add);
        Assert.NotEqual(true, c.SecurityContext.Privileged);
        Assert.False(c.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(c.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal("1", c.Resources.Limits["squat.ai/tun"].ToString());
        Assert.True(pod.HostNetwork);
        Assert.NotEqual(true, pod.HostPID);
        Assert.NotEqual(true, pod.HostIPC);
        Assert.Null(pod.InitContainers);
        // The only host path is the daemon's own state directory; no /dev mount (the device plugin provides tun).
        Assert.Equal(["/var/lib/nebulagc-daemon"], pod.Volumes.Where(v => v.HostPath is not null).Select(v => v.HostPath.Path).ToArray());
        var ns = objects.OfType<V1Namespace>().Single(n => n.Metadata.Name == ds.Metadata.NamespaceProperty);
        Assert.Equal("privileged", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
    }

    [Fact]
    public void Litestream_topology_restores_in_an_init_container_and_replicates_in_a_sidecar_with_credentials_from_a_secret()
    {
        var objects = Objects(RenderAndBuild(Topology.Litestream));
        var sts = objects.OfType<V1StatefulSet>().Single();
        Assert.Equal(1, sts.Spec.Replicas);
        var init = Assert.Single(sts.Spec.Template.Spec.InitContainers);
        Assert.Equal(["restore", "-if-db-not-exists", "-if-replica-exists", "-config", "/etc/litestream/litestream.yml", "/var/lib/nebulagc/nebulagc.db"], init.Args);
        var sidecar = sts.Spec.Template.Spec.Containers.Single(c => c.Name == "litestream");
        Assert.Equal("replicate", sidecar.Args[0]);
        var secretName = sidecar.EnvFrom.Single().SecretRef.Name;
        Assert.Contains(objects.OfType<V1Secret>(), s => s.Metadata.Name == secretName);
        var config = objects.OfType<V1ConfigMap>().Single(c => c.Data.ContainsKey("litestream.yml")).Data["litestream.yml"];
        LitestreamDialects.V03.Check(config, "litestream.yml");
        Assert.Contains("path: \"/var/lib/nebulagc/nebulagc.db\"", config);
    }

    [Theory]
    [InlineData(Topology.Single)]
    [InlineData(Topology.Litestream)]
    [InlineData(Topology.LiteFS)]
    public void Server_container_uses_the_server_env_names_ports_and_health_paths(Topology topology)
    {
        var objects = Objects(RenderAndBuild(topology));
        var server = objects.OfType<V1StatefulSet>().Single().Spec.Template.Spec.Containers.Single(c => c.Name == "server");
        Assert.Equal("/v1/readyz", server.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/v1/healthz", server.LivenessProbe.HttpGet.Path);
        Assert.Equal(8080, server.Ports.Single(p => p.Name == "http").ContainerPort);
        var config = objects.OfType<V1ConfigMap>().Single(c => c.Data.ContainsKey("NEBULAGC_ROLE")).Data;
        var names = config.Keys.Concat(server.Env.Select(e => e.Name).Where(n => n.StartsWith("NEBULAGC_")));
        Assert.All(names, n => Assert.Contains(n, SystemdTests.ServerEnvNames));
        Assert.Equal(topology == Topology.LiteFS ? "litefs" : "master", config["NEBULAGC_ROLE"]);
        Assert.Equal("0.0.0.0:8080", config["NEBULAGC_LISTEN_ADDR"]);
        Assert.Equal("/etc/nebulagc/secret/hmac-secret", config["NEBULAGC_HMAC_SECRET_FILE"]);
        Assert.DoesNotContain(config.Keys, k => k == "NEBULAGC_HMAC_SECRET");
    }

    [Fact]
    public void Rendering_twice_changes_no_byte()
    {
        var dir = _dir.Combine("twice");
        Toolkit.WriteTo(dir, K8sRenderer.Render(Toolkit.Context(Settings()), Topology.Litestream));
        var before = Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        var again = Toolkit.WriteTo(dir, K8sRenderer.Render(Toolkit.Context(Settings()), Topology.Litestream));
        Assert.All(again, f => Assert.Contains(f.Status, new[] { RenderStatus.Unchanged, RenderStatus.Kept }));
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllBytes(kv.Key)));
    }
}
