namespace NebulaGC.PowerShell.Rendering;

/// <summary>One server instance of a compose topology.</summary>
public sealed record ComposeNode(string Service, string PublicUrl, int HostPort);

/// <summary>Dockerfiles and docker-compose files.</summary>
public static class ContainerRenderer
{
    public static IReadOnlyList<RenderedFile> RenderDockerfile(RenderContext ctx, ContainerComponent component) =>
    [
        component == ContainerComponent.Server
            ? ctx.Render("docker/Dockerfile.server.scriban", "Dockerfile.server", "Dockerfile")
            : ctx.Render("docker/Dockerfile.daemon.scriban", "Dockerfile.daemon", "Dockerfile"),
    ];

    public static IReadOnlyList<RenderedFile> RenderCompose(RenderContext ctx, Topology topology)
    {
        var s = ctx.Settings;
        var nodeCount = topology == Topology.LiteFS ? s.LiteFSReplicas : 1;
        var nodes = Enumerable.Range(1, nodeCount).Select(i =>
        {
            var service = nodeCount == 1 ? "server" : $"server{i}";
            var hostPort = s.Port + i - 1;
            var url = string.IsNullOrEmpty(s.PublicUrl) ? $"http://127.0.0.1:{hostPort}" : s.PublicUrl;
            return new ComposeNode(service, url, hostPort);
        }).ToList();
        var vars = LiteFSRenderer.Variables(s);
        vars["topology"] = topology.ToString();
        vars["nodes"] = nodes;
        vars["role"] = topology == Topology.LiteFS ? "litefs" : "master";
        var dbPath = s.DbPathFor(topology == Topology.LiteFS);
        vars["db_path"] = dbPath;

        var files = new List<RenderedFile>
        {
            ctx.Render("compose/docker-compose.yml.scriban", "docker-compose.yml", "ComposeFile", variables: vars),
            ctx.Render("secret/value.scriban", "secrets/hmac-secret", "Secret", RenderContext.ModeSecret,
                new Dictionary<string, object?> { ["secret"] = SecretGenerator.NewHmacSecret() }, createOnly: true),
        };
        if (topology == Topology.Litestream)
        {
            files.AddRange(LitestreamRenderer.Render(ctx, dbPath));
        }
        if (topology == Topology.LiteFS)
        {
            if (s.Lease != LeaseType.Consul)
            {
                throw new NebulaGCException(ErrorIds.SettingsInvalid, "the compose LiteFS topology uses a Consul lease", "Lease");
            }
            // The compose file runs its own Consul, reachable as "consul" on the compose network.
            files.Add(LiteFSRenderer.Render(ctx, exec: "", hostname: "${HOSTNAME}", advertiseUrl: "http://${HOSTNAME}:20202", consulUrl: "http://consul:8500"));
        }
        return files;
    }
}
