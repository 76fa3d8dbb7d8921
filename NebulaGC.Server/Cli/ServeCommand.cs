using System.CommandLine;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Hosting;
using NebulaGC.Server.Observability;
using NebulaGC.Server.Security;

namespace NebulaGC.Server.Cli;

public static class ServeCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = $"API listen address host:port (NEBULAGC_LISTEN_ADDR, default {ServerOptions.DefaultListen})." };
        var db = CliOptions.Db();
        var role = new Option<string?>("--role") { Description = "master, replica or litefs (NEBULAGC_ROLE)." };
        var master = new Option<bool>("--master") { Description = "Alias of --role master." };
        var replicate = new Option<bool>("--replicate") { Description = "Alias of --role replica." };
        var instanceId = new Option<string?>("--instance-id") { Description = "Stable id of this instance (NEBULAGC_INSTANCE_ID); default: kept in 'instance-id' beside the database." };
        var publicUrl = new Option<string?>("--public-url") { Description = "URL clients reach this instance on (NEBULAGC_PUBLIC_URL); replicas send writers there." };
        var adminSocket = CliOptions.AdminSocket();
        var metricsAddr = new Option<string?>("--metrics-addr") { Description = "Separate listener for /metrics, host:port (NEBULAGC_METRICS_ADDR); off by default." };
        var secretFile = CliOptions.HmacSecretFile();
        var liteFsDir = new Option<string?>("--litefs-dir") { Description = "LiteFS mount the litefs role follows (NEBULAGC_LITEFS_DIR)." };
        var peerUrl = new Option<string[]>("--peer-url")
        {
            Description = "Another instance's base URL, repeatable (NEBULAGC_PEER_URLS, comma-separated): a master that finds a newer master there stays read-only.",
            AllowMultipleArgumentsPerToken = false,
        };
        var lighthouseDir = new Option<string?>("--lighthouse-dir") { Description = "State of control-plane lighthouse processes (NEBULAGC_LIGHTHOUSE_DIR; default lighthouse/ beside the database)." };

        var command = new Command("serve", "Run the control-plane server.")
        {
            listen, db, role, master, replicate, instanceId, publicUrl, adminSocket, metricsAddr, secretFile, liteFsDir, lighthouseDir, peerUrl,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var serverRole = ResolveRole(parse.GetValue(role), parse.GetValue(master), parse.GetValue(replicate), CliOptions.Env("NEBULAGC_ROLE"));
            var dbPath = parse.GetValue(db)!;
            var liteFsDirectory = parse.GetValue(liteFsDir) ?? CliOptions.Env("NEBULAGC_LITEFS_DIR");
            if (serverRole == ServerRole.LiteFs && liteFsDirectory is null)
            {
                throw new ConfigurationError("the litefs role needs the LiteFS mount: pass --litefs-dir or set NEBULAGC_LITEFS_DIR");
            }
            var options = new ServerOptions
            {
                Listen = parse.GetValue(listen) ?? CliOptions.Env("NEBULAGC_LISTEN_ADDR") ?? ServerOptions.DefaultListen,
                DbPath = dbPath,
                Role = serverRole,
                InstanceId = InstanceIdentity.Resolve(parse.GetValue(instanceId) ?? CliOptions.Env("NEBULAGC_INSTANCE_ID"), dbPath),
                PublicUrl = parse.GetValue(publicUrl) ?? CliOptions.Env("NEBULAGC_PUBLIC_URL"),
                AdminSocket = parse.GetValue(adminSocket) is { Length: > 0 } socket ? socket : null,
                MetricsAddress = parse.GetValue(metricsAddr) ?? CliOptions.Env("NEBULAGC_METRICS_ADDR"),
                PeerUrls = parse.GetValue(peerUrl) is { Length: > 0 } peers
                    ? peers
                    : (CliOptions.Env("NEBULAGC_PEER_URLS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                TrustedProxies = (CliOptions.Env("NEBULAGC_TRUSTED_PROXIES") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                TlsCertificate = CliOptions.Env("NEBULAGC_TLS_CERT"),
                TlsKey = CliOptions.Env("NEBULAGC_TLS_KEY"),
                LogLevel = CliOptions.Env("NEBULAGC_LOG_LEVEL") ?? "information",
                LogFormat = CliOptions.Env("NEBULAGC_LOG_FORMAT") ?? "json",
                LiteFsDirectory = liteFsDirectory,
                LighthouseDirectory = parse.GetValue(lighthouseDir) ?? CliOptions.Env("NEBULAGC_LIGHTHOUSE_DIR"),
                NebulaBinary = CliOptions.Env("NEBULAGC_NEBULA_BINARY") ?? "nebula",
            };
            var secret = HmacSecret.Load(parse.GetValue(secretFile), Environment.GetEnvironmentVariable);
            var logger = CreateLogger(options);
            try
            {
                await using var app = ServerHost.Build(options, secret, logger);
                logger.Information("nebulagc-server {Version} starting as {Role} (instance {InstanceId}) on {Listen}, database {DbPath}",
                    Services.StatusService.ProductVersion, options.Role.ToString().ToLowerInvariant(), options.InstanceId, options.Listen, options.DbPath);
                await app.RunAsync(cancellation);
            }
            finally
            {
                (logger as IDisposable)?.Dispose();
            }
        });
        return command;
    }

    /// <summary>Exactly one role, from the flags or else NEBULAGC_ROLE; none or conflicting ones are refused.</summary>
    public static ServerRole ResolveRole(string? role, bool master, bool replicate, string? environmentRole)
    {
        var declared = new List<string>();
        if (role is not null)
        {
            declared.Add(role);
        }
        if (master)
        {
            declared.Add("master");
        }
        if (replicate)
        {
            declared.Add("replica");
        }
        if (declared.Count == 0 && environmentRole is not null)
        {
            declared.Add(environmentRole);
        }
        if (declared.Count == 0)
        {
            throw new ConfigurationError("no role given: pass --master, --replicate or --role master|replica|litefs (or set NEBULAGC_ROLE)");
        }
        var roles = declared.Select(Parse).Distinct().ToList();
        if (roles.Count > 1 || (master && replicate))
        {
            throw new ConfigurationError($"conflicting roles given ({string.Join(", ", declared)}): give exactly one of master, replica or litefs");
        }
        return roles[0];
    }

    private static ServerRole Parse(string role) => role.ToLowerInvariant() switch
    {
        "master" => ServerRole.Master,
        "replica" or "replicate" => ServerRole.Replica,
        "litefs" => ServerRole.LiteFs,
        _ => throw new ConfigurationError($"role '{role}' is unknown: use master, replica or litefs"),
    };

    private static Serilog.ILogger CreateLogger(ServerOptions options)
    {
        try
        {
            return ServerLogger.Create(options.LogLevel, options.LogFormat);
        }
        catch (ArgumentException ex)
        {
            throw new ConfigurationError(ex.Message);
        }
    }
}
