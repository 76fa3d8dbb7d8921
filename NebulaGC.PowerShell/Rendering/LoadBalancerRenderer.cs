namespace NebulaGC.PowerShell.Rendering;

/// <summary>HAProxy or nginx in front of several control-plane instances: reads to all, writes to the master.</summary>
public static class LoadBalancerRenderer
{
    public static IReadOnlyList<RenderedFile> Render(RenderContext ctx, LoadBalancerKind kind, string nginxPidPath = "/run/nginx.pid")
    {
        var s = ctx.Settings;
        if (s.Backends.Count == 0)
        {
            throw new NebulaGCException(ErrorIds.LoadBalancerNoBackend,
                "no backend: pass -Backend host:port,... or Backends (Name, Address) in the values file", "Backends");
        }
        for (var i = 0; i < s.Backends.Count; i++)
        {
            var b = s.Backends[i];
            if (string.IsNullOrWhiteSpace(b.Address) || !b.Address.Contains(':') || b.Address.Any(char.IsWhiteSpace))
            {
                throw new NebulaGCException(ErrorIds.LoadBalancerNoBackend, $"backend '{b.Address}' is not host:port", b.Address);
            }
            if (b.Name == "")
            {
                b.Name = $"{s.Name}{i + 1}";
            }
        }
        var vars = new Dictionary<string, object?> { ["pid_path"] = nginxPidPath };
        return kind == LoadBalancerKind.HAProxy
            ? [ctx.Render("loadbalancer/haproxy.cfg.scriban", "haproxy.cfg", "HAProxyConfig", variables: vars)]
            : [ctx.Render("loadbalancer/nginx.conf.scriban", "nginx.conf", "NginxConfig", variables: vars)];
    }
}
