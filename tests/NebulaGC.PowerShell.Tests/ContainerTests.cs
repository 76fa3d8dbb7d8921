using System.Text.RegularExpressions;
using NebulaGC.Benchmarks;
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
        // The source build, the stage the runtime copies from (the build, or a local image named by PUBLISH_STAGE), the runtime.
        Assert.Equal(3, Regex.Matches(text, @"^FROM ", RegexOptions.Multiline).Count);
        Assert.Contains("FROM ${PUBLISH_STAGE} AS binaries", text);
        // The runtime stage runs nothing, so a distroless or scratch base works.
        Assert.DoesNotMatch(@"(?s)FROM \$\{RUNTIME_IMAGE\}.*\nRUN ", text);
        Assert.Contains("-p:PublishAot=true", text);
        // The default bases are real public images; a build without a registry overrides them (see the buildah tests).
        Assert.Matches(@"(?m)^ARG RUNTIME_IMAGE=mcr\.microsoft\.com/dotnet/runtime-deps:10\.0-alpine$", text);
        Assert.Matches(@"(?m)^ARG SDK_IMAGE=mcr\.microsoft\.com/dotnet/sdk:10\.0-alpine$", text);
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

    /// <summary>The AOT binaries the Test task publishes once per run (out/publish).</summary>
    private static string PublishDirectory
    {
        get
        {
            var directory = RepositoryPaths.Combine("out", "publish");
            Assert.True(File.Exists(Path.Combine(directory, "nebulagc-server")) && File.Exists(Path.Combine(directory, "nebulagc")),
                $"no AOT binaries in {directory}: build.ps1 Test publishes them (or run `dotnet pwsh ./build.ps1 Publish`)");
            return directory;
        }
    }

    private string RenderedDockerfile(ContainerComponent component)
    {
        var file = ContainerRenderer.RenderDockerfile(Toolkit.Context(), component)[0];
        Toolkit.WriteTo(_dir.Combine("rendered"), [file]);
        return _dir.Combine("rendered", file.RelativePath);
    }

    [Fact]
    public void Server_image_built_by_buildah_from_the_rendered_Dockerfile_answers_healthz_under_podman_as_a_non_root_user()
    {
        using var images = new ContainerImages(_dir.Combine("images"));
        var image = images.Build("server", RenderedDockerfile(ContainerComponent.Server), PublishDirectory);
        Assert.Equal("1654:1654", images.Podman("image", "inspect", "--format", "{{.Config.User}}", image).Trim());

        var port = FreePort.Tcp();
        var container = images.RunDetached(image,
            "-e", $"NEBULAGC_LISTEN_ADDR=127.0.0.1:{port}", "-e", "NEBULAGC_HMAC_SECRET=container-test-secret-0123456789-abcdefgh", "-e", "NEBULAGC_ROLE=master");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        string? healthz = null;
        Wait.Until(() =>
        {
            var state = images.Podman("inspect", "--format", "{{.State.Status}}", container).Trim();
            Assert.True(state == "running", $"the server container is {state}: {images.Podman("logs", container)}");
            try
            {
                healthz = client.GetStringAsync($"http://127.0.0.1:{port}/v1/healthz").GetAwaiter().GetResult();
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => $"the server container did not answer /v1/healthz: {images.Podman("logs", container)}");
        output.WriteLine(healthz);
        Assert.Contains("ok", healthz!, StringComparison.OrdinalIgnoreCase);
        // The server process runs as the image's user, never root (rootful podman without a user namespace: the same uid on the host).
        var pid = images.Podman("inspect", "--format", "{{.State.Pid}}", container).Trim();
        var uids = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        Assert.Equal(["Uid:", "1654", "1654", "1654", "1654"], uids.Split('\t', ' ').Where(f => f.Length > 0));
    }

    [Fact]
    public void Daemon_image_built_by_buildah_from_the_rendered_Dockerfile_carries_nebula_and_the_daemon()
    {
        using var images = new ContainerImages(_dir.Combine("images"));
        var image = images.Build("daemon", RenderedDockerfile(ContainerComponent.Daemon), PublishDirectory);

        var nebula = images.RunToEnd(image, "/usr/bin/nebula", "-version");
        output.WriteLine(nebula);
        Assert.Matches(@"Version: \d+\.\d+\.\d+", nebula);
        var help = images.RunToEnd(image, null, "--help");
        Assert.Contains("daemon", help);
    }
}
