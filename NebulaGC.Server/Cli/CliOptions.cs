using System.CommandLine;
using NebulaGC.Server.Configuration;

namespace NebulaGC.Server.Cli;

/// <summary>Options shared by several commands; each falls back to its <c>NEBULAGC_*</c> variable.</summary>
public static class CliOptions
{
    public static Option<string> Db() => new("--db")
    {
        Description = "SQLite database file (NEBULAGC_DB_PATH).",
        DefaultValueFactory = _ => Env("NEBULAGC_DB_PATH") ?? ServerOptions.DefaultDbPath,
    };

    public static Option<string> AdminSocket() => new("--admin-socket")
    {
        Description = "Admin Unix socket of a running server (NEBULAGC_ADMIN_SOCKET).",
        DefaultValueFactory = _ => Env("NEBULAGC_ADMIN_SOCKET") ?? ServerOptions.DefaultAdminSocket,
    };

    public static Option<string?> HmacSecretFile() => new("--hmac-secret-file")
    {
        Description = "File holding the HMAC secret (NEBULAGC_HMAC_SECRET_FILE; or set NEBULAGC_HMAC_SECRET). Never pass the secret itself on the command line.",
    };

    public static Option<OutputFormat> Output() => new("--output", "-o")
    {
        Description = "table or json.",
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    public static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>A positive whole number from a flag, else its variable, else null (the caller's default).</summary>
    public static int? PositiveInt(int? flag, string variable)
    {
        if (flag is { } given)
        {
            return given > 0 ? given : throw new ConfigurationError($"{given} is not allowed for the option of {variable}: give a positive whole number");
        }
        var text = Env(variable);
        if (text is null)
        {
            return null;
        }
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ConfigurationError($"{variable}='{text}' is not a positive whole number");
    }
}

public enum OutputFormat
{
    Table,
    Json,
}
