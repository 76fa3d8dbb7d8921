using NebulaGC.PowerShell.Rendering;
using NebulaGC.PowerShell.Validation;
using Xunit.Abstractions;

namespace NebulaGC.PowerShell.Tests;

public sealed class DeploymentValidatorTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Everything the render engines produce, in one tree (units with executables that exist here).</summary>
    private string RenderEverything()
    {
        var bin = _dir.Combine("bin");
        Directory.CreateDirectory(bin);
        foreach (var name in new[] { "nebulagc-server", "nebulagc", "litestream" })
        {
            File.WriteAllText(Path.Combine(bin, name), "#!/bin/sh\n");
            File.SetUnixFileMode(Path.Combine(bin, name), (UnixFileMode)Convert.ToInt32("755", 8));
        }
        var root = _dir.Combine("deploy");
        DeploymentSettings S() => new()
        {
            BinDir = bin,
            Replicas = [new ReplicaSettings { Type = ReplicaType.S3, Bucket = "b" }],
            Backends = [new BackendSettings { Address = "127.0.0.1:18081" }, new BackendSettings { Address = "127.0.0.1:18082" }],
        };
        foreach (var c in new[] { SystemdComponent.Server, SystemdComponent.Daemon })
        {
            Toolkit.WriteTo(Path.Combine(root, "systemd"), SystemdRenderer.Render(Toolkit.Context(S()), new SystemdRequest(c, Path.Combine(bin, "litestream"))));
        }
        Toolkit.WriteTo(Path.Combine(root, "systemd"), SystemdRenderer.Render(Toolkit.Context(S()), new SystemdRequest(SystemdComponent.Litestream, Path.Combine(bin, "litestream"))));
        Toolkit.WriteTo(Path.Combine(root, "k8s"), K8sRenderer.Render(Toolkit.Context(S()), Topology.Litestream));
        Toolkit.WriteTo(Path.Combine(root, "compose"), ContainerRenderer.RenderCompose(Toolkit.Context(S()), Topology.Litestream));
        Toolkit.WriteTo(Path.Combine(root, "haproxy"), LoadBalancerRenderer.Render(Toolkit.Context(S()), LoadBalancerKind.HAProxy));
        Toolkit.WriteTo(Path.Combine(root, "nginx"), LoadBalancerRenderer.Render(Toolkit.Context(S()), LoadBalancerKind.Nginx, Path.Combine(root, "nginx", "nginx.pid")));
        Toolkit.WriteTo(Path.Combine(root, "monitoring"), MonitoringRenderer.Render(Toolkit.Context(S()), includeLiteFS: false));
        Toolkit.WriteTo(Path.Combine(root, "secret"), SecretRenderer.Render(Toolkit.Context(S()), SecretKind.HmacSecret, SecretFormat.K8sSecret, overwrite: false));
        return root;
    }

    [Fact]
    public void Every_rendered_artifact_passes_its_real_validator_and_none_is_skipped()
    {
        var root = RenderEverything();
        var reporter = new RecordingReporter();
        var results = new DeploymentValidator(reporter).Validate(new ValidationRequest(root));
        Assert.Equal("PROGRESS: Validating NebulaGC deployment files 100% done", reporter.Messages[^1]);
        foreach (var r in results)
        {
            output.WriteLine($"{r.Status,-7} {r.Validator,-26} {r.Score,5} {Path.GetRelativePath(root, r.Path)}");
        }
        Assert.All(results, r => Assert.True(r.Status == ValidationStatus.Passed, $"{r}: {r.Detail}"));
        var validators = results.Select(r => r.Validator).ToHashSet();
        foreach (var v in new[] { "systemd-analyze verify", "systemd-analyze security", "kubectl kustomize", "haproxy -c", "nginx -t", "promtool check rules",
                     "promtool test rules", "docker-compose config", "litestream keys", "env names", "mode 0600", "json" })
        {
            Assert.Contains(v, validators);
        }
        Assert.Contains(results, r => r.Validator == "systemd-analyze security" && r.Path.EndsWith("nebulagc-server.service") && r.Score <= 1.5);
    }

    [Fact]
    public void A_broken_haproxy_config_an_unknown_env_name_and_a_world_readable_secret_each_fail()
    {
        var root = RenderEverything();
        File.AppendAllText(Path.Combine(root, "haproxy", "haproxy.cfg"), "\nbackend broken\n    server x 127.0.0.1:1 chekc\n");
        File.AppendAllText(Path.Combine(root, "systemd", "nebulagc-server.env"), "NEBULAGC_HEALTH_PATH=/health\n");
        File.SetUnixFileMode(Path.Combine(root, "k8s", "secrets", "hmac-secret"), (UnixFileMode)Convert.ToInt32("644", 8));
        var failed = new DeploymentValidator(new RecordingReporter()).Validate(new ValidationRequest(root))
            .Where(r => r.Status == ValidationStatus.Failed).Select(r => (r.Validator, Path.GetRelativePath(root, r.Path))).ToList();
        Assert.Equal(
            [("mode 0600", "k8s/secrets/hmac-secret"), ("haproxy -c", "haproxy/haproxy.cfg"), ("env names", "systemd/nebulagc-server.env")],
            failed.OrderBy(f => f.Item1 == "mode 0600" ? 0 : f.Item1 == "haproxy -c" ? 1 : 2).ToList());
    }

    [Fact]
    public void A_server_unit_above_the_exposure_bound_fails()
    {
        var root = RenderEverything();
        var results = new DeploymentValidator(new RecordingReporter()).Validate(new ValidationRequest(Path.Combine(root, "systemd"), ServerMaxExposure: 0.5));
        var security = results.Single(r => r.Validator == "systemd-analyze security" && r.Path.EndsWith("nebulagc-server.service"));
        Assert.Equal(ValidationStatus.Failed, security.Status);
        Assert.Contains("at most 0.5", security.Detail);
    }

    [Fact]
    public void A_missing_directory_is_an_error_with_a_stable_id()
    {
        var e = Assert.Throws<NebulaGCException>(() => new DeploymentValidator(new RecordingReporter()).Validate(new ValidationRequest(_dir.Combine("nope"))));
        Assert.Equal(ErrorIds.DeploymentPathNotFound, e.Id);
    }
}
