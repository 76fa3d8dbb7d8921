namespace NebulaGC.PowerShell.Rendering;

/// <summary>Options of New-NebulaGCSystemdUnit beyond the shared settings.</summary>
public sealed record SystemdRequest(SystemdComponent Component, string LitestreamBinary = "/usr/local/bin/litestream", string LiteFSBinary = "/usr/local/bin/litefs");

/// <summary>systemd units (+ their environment files) for the server, daemon, Litestream and LiteFS.</summary>
public static class SystemdRenderer
{
    public static IReadOnlyList<RenderedFile> Render(RenderContext ctx, SystemdRequest request)
    {
        var s = ctx.Settings;
        var vars = new Dictionary<string, object?>
        {
            ["state_directory"] = Lazy(() => StateDirectory(s.DataDir)),
            ["runtime_directory"] = Lazy(() => RuntimeDirectory(s.AdminSocket)),
            ["public_url"] = Lazy(() => string.IsNullOrEmpty(s.PublicUrl) ? $"http://{s.ListenAddress}" : s.PublicUrl),
            ["litestream_binary"] = request.LitestreamBinary,
            ["litefs_binary"] = request.LiteFSBinary,
        };
        var files = new List<RenderedFile>();
        switch (request.Component)
        {
            case SystemdComponent.Server:
            case SystemdComponent.LiteFS:
                if (request.Component == SystemdComponent.LiteFS)
                {
                    // Under LiteFS the server's role follows the lease, and its env file must say so.
                    s.Role = ServerRole.LiteFS;
                    files.Add(ctx.Render("systemd/litefs.service.scriban", "litefs.service", "SystemdUnit", variables: vars));
                }
                else
                {
                    files.Add(ctx.Render("systemd/nebulagc-server.service.scriban", $"{s.Name}-server.service", "SystemdUnit", variables: vars));
                }
                files.Add(ctx.Render("systemd/nebulagc-server.env.scriban", $"{s.Name}-server.env", "EnvFile", variables: vars));
                files.Add(ctx.Render("systemd/secret.env.scriban", $"{s.Name}-server.secret.env", "SecretEnvFile", RenderContext.ModeSecret,
                    new Dictionary<string, object?> { ["secret"] = SecretGenerator.NewHmacSecret() }, createOnly: true));
                break;
            case SystemdComponent.Daemon:
                files.Add(ctx.Render("systemd/nebulagc-daemon.service.scriban", $"{s.Name}-daemon.service", "SystemdUnit", variables: vars));
                break;
            case SystemdComponent.Litestream:
                files.Add(ctx.Render("systemd/litestream.service.scriban", "litestream.service", "SystemdUnit", variables: vars));
                break;
        }
        return files;
    }

    private static Func<object?> Lazy(Func<object?> value) => value;

    /// <summary>StateDirectory= takes a path relative to /var/lib; other data directories get ReadWritePaths=.</summary>
    internal static string StateDirectory(string dataDir)
    {
        var normalized = dataDir.TrimEnd('/');
        return normalized.StartsWith("/var/lib/", StringComparison.Ordinal) ? normalized["/var/lib/".Length..] : "";
    }

    internal static string RuntimeDirectory(string adminSocket)
    {
        var dir = Path.GetDirectoryName(adminSocket) ?? "/run/nebulagc";
        if (!dir.StartsWith("/run/", StringComparison.Ordinal))
        {
            throw new NebulaGCException(ErrorIds.SettingsInvalid,
                $"AdminSocket '{adminSocket}' must live under /run so systemd creates and cleans its directory (RuntimeDirectory=)", adminSocket);
        }
        return dir["/run/".Length..];
    }
}
