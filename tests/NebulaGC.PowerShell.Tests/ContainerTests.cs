using System.Text.RegularExpressions;
using NebulaGC.PowerShell.Rendering;
using Xunit.Abstractions;
using YamlDotNet.RepresentationModel;

namespace NebulaGC.PowerShell.Tests;

public sealed class ContainerTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DeploymentSettings Settings() => new()
    {
        Replicas = [new ReplicaSettings { Type = ReplicaType.S3, Bucket = "backups" }],
    };

    [Theory]
    [InlineData(Topology.Single)]
    [InlineData(Topology.Litestream)]
    [InlineData(Topology.LiteFS)]
    public void Docker_compose_validates_the_rendered_file(Topology topology)
    {
        var dir = _dir.Combine(topology.ToString());
        var files = Toolkit.WriteTo(dir, ContainerRenderer.RenderCompose(Toolkit.Context(Settings()), topology));
        var compose = files.Single(f => f.Kind == "ComposeFile").Path;
        var result = ProcessRunner.Run(ProcessRunner.Find("docker-compose"), ["-f", compose, "config", "-q"], dir);
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr.Trim());
    }

    [Fact]
    public void Compose_passes_the_secret_as_a_docker_secret_file_of_mode_0600_and_never_inline()
    {
        var files = Toolkit.WriteTo(_dir.Path, ContainerRenderer.RenderCompose(Toolkit.Context(Settings()), Topology.Litestream));
        var compose = files.Single(f => f.Kind == "ComposeFile").Content;
        var secret = files.Single(f => f.RelativePath == "secrets/hmac-secret");
        Assert.Equal((UnixFileMode)Convert.ToInt32("600", 8), File.GetUnixFileMode(secret.Path));
        Assert.DoesNotContain(secret.Content, compose);
        Assert.DoesNotContain("NEBULAGC_HMAC_SECRET:", compose);
        Assert.Contains("NEBULAGC_HMAC_SECRET_FILE: /run/secrets/hmac_secret", compose);
        var root = (YamlMappingNode)YamlCheck.Parse(compose, "compose")[0].RootNode;
        var services = (YamlMappingNode)root["services"];
        var env = (YamlMappingNode)((YamlMappingNode)services["server"])["environment"];
        Assert.All(env.Children.Keys.Select(k => k.ToString()), n => Assert.Contains(n, SystemdTests.ServerEnvNames));
        Assert.Equal((UnixFileMode)Convert.ToInt32("600", 8), File.GetUnixFileMode(files.Single(f => f.RelativePath == "litestream.env").Path));
    }

    [Theory]
    [InlineData(ContainerComponent.Server)]
    [InlineData(ContainerComponent.Daemon)]
    public void Dockerfile_is_multi_stage_AOT_with_a_healthcheck(ContainerComponent component)
    {
        var text = ContainerRenderer.RenderDockerfile(Toolkit.Context(), component)[0].Content;
        Assert.Equal(2, Regex.Matches(text, @"^FROM ", RegexOptions.Multiline).Count);
        Assert.Contains("-p:PublishAot=true", text);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/runtime-deps:10\.0-alpine$", text);
        Assert.Contains("HEALTHCHECK", text);
        if (component == ContainerComponent.Server)
        {
            Assert.Matches(@"(?m)^USER 1654:1654$", text);
            Assert.Contains("\"http://127.0.0.1:8080/v1/healthz\"", text);
            Assert.Contains("ENTRYPOINT [\"/usr/local/bin/nebulagc-server\"]", text);
        }
        else
        {
            Assert.Contains("CMD [\"daemon\", \"--config\", \"/etc/nebulagc/daemon.json\"]", text);
        }
    }
}
