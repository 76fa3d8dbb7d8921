namespace NebulaGC.PowerShell.Commands;

/// <summary>Defaults of the operate cmdlets: the server's own defaults, overridable by its NEBULAGC_* variables.</summary>
internal static class OperateDefaults
{
    public static string DatabasePath => Env("NEBULAGC_DB_PATH") ?? "/var/lib/nebulagc/nebulagc.db";

    public static string AdminSocket => Env("NEBULAGC_ADMIN_SOCKET") ?? "/run/nebulagc/admin.sock";

    public static Uri LocalUrl => new("http://" + (Env("NEBULAGC_LISTEN_ADDR") ?? "127.0.0.1:8080") + "/");

    public const string ServerService = "nebulagc-server.service";

    public const string LitestreamService = "litestream.service";

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
