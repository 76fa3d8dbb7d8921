namespace NebulaGC.PowerShell.Rendering;

/// <summary>
/// A kustomize base for one topology: namespaces, service accounts, generated ConfigMaps and Secrets, the server
/// StatefulSet (+ Litestream restore/replicate or LiteFS), Services, PodDisruptionBudget, NetworkPolicy and the daemon DaemonSet.
/// </summary>
public static class K8sRenderer
{
    public static IReadOnlyList<RenderedFile> Render(RenderContext ctx, Topology topology)
    {
        var s = ctx.Settings;
        if (topology == Topology.LiteFS && s.Lease != LeaseType.Consul)
        {
            throw new NebulaGCException(ErrorIds.SettingsInvalid, "the Kubernetes LiteFS topology needs a Consul lease: a static lease cannot fail over", "Lease");
        }
        var dbPath = s.DbPathFor(topology == Topology.LiteFS);
        var vars = LiteFSRenderer.Variables(s);
        vars["topology"] = topology.ToString();
        vars["role"] = topology == Topology.LiteFS ? "litefs" : "master";
        vars["db_path"] = dbPath;
        vars["public_url"] = (Func<object?>)(() => string.IsNullOrEmpty(s.PublicUrl) ? $"http://$(POD_NAME).{s.Name}-headless.{s.Namespace}.svc:{s.Port}" : s.PublicUrl);
        vars["litestream_metrics_port"] = (Func<object?>)(() => MetricsPort(s.LitestreamMetricsAddr));
        vars["control_plane_url"] = $"http://{s.Name}.{s.Namespace}.svc:{s.Port}";

        var files = new List<RenderedFile>();
        foreach (var name in new[] { "kustomization", "namespace", "serviceaccount", "statefulset", "service", "poddisruptionbudget", "networkpolicy", "daemonset" })
        {
            files.Add(ctx.Render($"k8s/{name}.yaml.scriban", $"{name}.yaml", name == "kustomization" ? "Kustomization" : "K8sManifest", variables: vars));
        }
        files.Add(ctx.Render("k8s/server.env.scriban", "config/server.env", "K8sConfigEnv", variables: vars));
        if (topology == Topology.Litestream)
        {
            foreach (var f in LitestreamRenderer.Render(ctx, dbPath, withEnvFile: false))
            {
                files.Add(Relocate(f, "config/litestream.yml"));
            }
            files.Add(ctx.Render("litestream/litestream.env.scriban", "secrets/litestream.env", "SecretEnvFile", RenderContext.ModeSecret,
                new Dictionary<string, object?> { ["credential_names"] = LitestreamRenderer.CredentialNames(s.Replicas) }, createOnly: true));
        }
        if (topology == Topology.LiteFS)
        {
            files.Add(LiteFSRenderer.Render(ctx, exec: "", hostname: "${POD_NAME}",
                advertiseUrl: $"http://${{POD_NAME}}.{s.Name}-headless.{s.Namespace}.svc:20202", relativePath: "config/litefs.yml"));
        }
        files.Add(ctx.Render("secret/value.scriban", "secrets/hmac-secret", "Secret", RenderContext.ModeSecret,
            new Dictionary<string, object?> { ["secret"] = SecretGenerator.NewHmacSecret() }, createOnly: true));
        files.Add(ctx.Render("k8s/daemon.json.scriban", "secrets/daemon.json", "DaemonConfig", RenderContext.ModeSecret, vars, createOnly: true));
        return files;
    }

    private static RenderedFile Relocate(RenderedFile f, string relativePath) => new()
    {
        RelativePath = relativePath,
        Kind = f.Kind,
        Content = f.Content,
        UnixMode = f.UnixMode,
        CreateOnly = f.CreateOnly,
    };

    /// <summary>The port of a listen address such as ":9090" or "0.0.0.0:9090"; 0 when there is none.</summary>
    internal static int MetricsPort(string addr)
    {
        var i = addr.LastIndexOf(':');
        return i >= 0 && int.TryParse(addr[(i + 1)..], out var port) ? port : 0;
    }
}
