namespace NebulaGC.PowerShell.Rendering;

/// <summary>litefs.yml, checked against LiteFS's strict key list (an unknown key is a LiteFS startup error).</summary>
public static class LiteFSRenderer
{
    /// <summary>Every key LiteFS decodes (FACTS.md; LiteFS's config structs).</summary>
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(StringComparer.Ordinal)
    {
        "fuse", "fuse.dir", "fuse.allow-other", "data", "data.dir", "exit-on-error", "exec", "exec[].cmd", "exec[].if-candidate",
        "http", "http.addr", "proxy", "proxy.addr", "proxy.target", "proxy.db", "proxy.passthrough",
        "lease", "lease.type", "lease.advertise-url", "lease.candidate", "lease.promote", "lease.hostname",
        "lease.consul", "lease.consul.url", "lease.consul.key", "lease.consul.ttl", "lease.consul.lock-delay",
    };

    /// <param name="ctx">Templates, settings and reporter.</param>
    /// <param name="exec">Command LiteFS runs once mounted (host installs); empty when the server is a separate container.</param>
    /// <param name="hostname">This node's name (Consul lease); may be an environment reference LiteFS expands, e.g. ${POD_NAME}.</param>
    /// <param name="advertiseUrl">URL other nodes reach this node's LiteFS on; may hold environment references.</param>
    /// <param name="relativePath">Where the file goes under the output directory.</param>
    /// <param name="consulUrl">Consul URL when the platform fixes it (compose's own Consul); default: the ConsulUrl setting.</param>
    public static RenderedFile Render(RenderContext ctx, string exec, string hostname, string advertiseUrl, string relativePath = "litefs.yml", string? consulUrl = null)
    {
        var s = ctx.Settings;
        if (s.Lease == LeaseType.Static && s.PrimaryHostname == "")
        {
            throw new NebulaGCException(ErrorIds.SettingsInvalid, "a static LiteFS lease needs PrimaryHostname (the one node that may write)", "PrimaryHostname");
        }
        var vars = Variables(s);
        vars["exec"] = exec;
        vars["hostname"] = hostname;
        vars["advertise_url"] = advertiseUrl;
        vars["consul_url"] = consulUrl ?? s.ConsulUrl;
        var file = ctx.Render("litefs/litefs.yml.scriban", relativePath, "LiteFSConfig", variables: vars);
        Check(file.Content, relativePath);
        ctx.Reporter.Verbose($"{relativePath}: every key is in LiteFS's key list");
        return file;
    }

    /// <summary>
    /// The command LiteFS (root, for FUSE) runs on a host: nebulagc-server as the unprivileged user <c>Name</c>,
    /// with no capabilities and no way to regain any (setpriv, util-linux). The user must exist (useradd --system).
    /// </summary>
    public static string ServerExec(DeploymentSettings s) =>
        $"setpriv --reuid={s.Name} --regid={s.Name} --init-groups --no-new-privs --inh-caps=-all --bounding-set=-all -- {s.ServerBinary} serve";

    /// <summary>Variables shared by LiteFS-aware templates.</summary>
    public static Dictionary<string, object?> Variables(DeploymentSettings s) => new()
    {
        ["litefs_dir"] = (Func<object?>)(() => s.LiteFSDir),
        ["litefs_data_dir"] = (Func<object?>)(() => s.LiteFSDataDir),
        ["lease"] = (Func<object?>)(() => s.Lease.ToString()),
    };

    public static void Check(string yaml, string what)
    {
        foreach (var document in YamlCheck.Parse(yaml, what))
        {
            foreach (var (path, _) in YamlCheck.KeyPaths(document.RootNode))
            {
                if (!Keys.Contains(path))
                {
                    throw new NebulaGCException(ErrorIds.LiteFSUnknownKey, $"{what}: '{path}' is not a LiteFS key (LiteFS refuses to start on it)", path);
                }
            }
        }
    }
}
