using System.Net.Sockets;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.HttpOverrides;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Api.Admin;
using NebulaGC.Server.Api.Auth;
using NebulaGC.Server.Api.Cluster;
using NebulaGC.Server.Api.Config;
using NebulaGC.Server.Api.Health;
using NebulaGC.Server.Api.Internal;
using NebulaGC.Server.Api.Nodes;
using NebulaGC.Server.Api.Pipeline;
using NebulaGC.Server.Api.Routes;
using NebulaGC.Server.Api.Topology;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Data;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Ha;
using NebulaGC.Server.Lighthouse;
using NebulaGC.Server.Observability;
using NebulaGC.Server.Security;
using NebulaGC.Server.Services;
using Prometheus;
using Serilog.Extensions.Logging;

namespace NebulaGC.Server.Hosting;

/// <summary>Composes the web server: listeners, services, middleware and endpoints. <c>serve</c> and the tests both build it here.</summary>
public static class ServerHost
{
    /// <summary>Largest JSON request body (64 KiB); bundle uploads raise their own limit.</summary>
    public const long MaxJsonBodyBytes = 64 * 1024;

    public static WebApplication Build(ServerOptions options, HmacSecret secret, Serilog.ILogger logger, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "nebulagc-server" });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new SerilogLoggerProvider(logger));
        // Hosting's per-request "Request starting/finished" lines are never written (Serilog keeps Microsoft.AspNetCore at
        // warning and above), but while its category is enabled at all, hosting builds a log scope and an Activity for every
        // request. Otherwise the category carries only web-host start-up failures, which StartAsync also throws to `serve`.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.AddSystemdNotification();

        // Every configured value is checked before anything listens, so a bad one is a configuration error (exit 2).
        var listenEndpoint = ListenAddress.Parse(options.Listen, "listen address");
        var metricsEndpoint = options.MetricsAddress is null ? null : ListenAddress.Parse(options.MetricsAddress, "metrics address");
        var tlsCertificate = options.TlsCertificate is null ? null : LoadCertificate(options.TlsCertificate, options.TlsKey);
        var (proxies, proxyNetworks) = ParseTrustedProxies(options.TrustedProxies);
        if (options.AdminSocket is not null && !Path.IsPathRooted(options.AdminSocket))
        {
            throw new ConfigurationError($"admin socket '{options.AdminSocket}' must be an absolute path (--admin-socket, NEBULAGC_ADMIN_SOCKET)");
        }
        var metrics = new ServerMetrics(StatusService.ProductVersion);
        var connectionLimit = new PerAddressConnectionLimit(options.MaxConnectionsPerIp,
            address => proxies.Contains(address) || proxyNetworks.Any(network => network.Contains(address)));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxJsonBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            kestrel.Limits.KeepAliveTimeout = options.IdleConnectionTimeout;
            kestrel.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(240, TimeSpan.FromSeconds(10));
            kestrel.Limits.MaxConcurrentConnections = 20_000;
            kestrel.Listen(listenEndpoint, listen =>
            {
                listen.Use(next => async connection =>
                {
                    if (connection.RemoteEndPoint is not IPEndPoint { Address: var remote })
                    {
                        await next(connection);
                        return;
                    }
                    var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
                    if (!connectionLimit.TryOpen(address))
                    {
                        // Returning without calling the next layer closes the connection before any byte is read.
                        metrics.RateLimited.WithLabels("connections").Inc();
                        return;
                    }
                    try
                    {
                        await next(connection);
                    }
                    finally
                    {
                        connectionLimit.Close(address);
                    }
                });
                if (tlsCertificate is not null)
                {
                    listen.UseHttps(tlsCertificate);
                }
            });
            if (metricsEndpoint is not null)
            {
                kestrel.Listen(metricsEndpoint);
            }
            if (options.AdminSocket is not null)
            {
                kestrel.ListenUnixSocket(options.AdminSocket, socket => socket.Use(next => connection =>
                {
                    connection.Items[AdminEndpoints.AdminSocketTag] = true;
                    return next(connection);
                }));
            }
        });

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ContractsJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(1, OpenApiJsonContext.Default);
            json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            // A body missing a required field, carrying null where a value is required, or naming a field twice is refused with
            // 400 naming the field, rather than bound to a default (`{}` must not mean is_relay=false).
            json.SerializerOptions.RespectRequiredConstructorParameters = true;
            json.SerializerOptions.RespectNullableAnnotations = true;
            json.SerializerOptions.AllowDuplicateProperties = false;
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi("v1", ApiDocument.Configure);

        var database = new Database(options.DbPath, readOnly: options.Role == ServerRole.Replica);
        var versions = new ConfigVersionFeed();
        versions.Changed += (_, _) => metrics.ConfigVersionBumps.Inc();
        var services = ServiceContext.Create(database, secret, time, versions);
        var role = new RoleState(options.InstanceId, options.Role, options.PublicUrl);

        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(new ReadModel(database, services.Bundles));
        builder.Services.AddSingleton(secret);
        builder.Services.AddSingleton(services.Tokens);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(versions);
        builder.Services.AddSingleton(services);
        builder.Services.AddSingleton(role);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.RateLimits);
        builder.Services.AddSingleton<TenantService>();
        builder.Services.AddSingleton<ClusterService>();
        builder.Services.AddSingleton<NodeService>();
        builder.Services.AddSingleton<BundleService>();
        builder.Services.AddSingleton<PkiService>();
        builder.Services.AddSingleton<ManagedBundleService>();
        builder.Services.AddSingleton<ReplicaService>();
        builder.Services.AddSingleton<StatusService>();
        builder.Services.AddSingleton<NodeAuthenticator>();
        builder.Services.AddSingleton<FailedAuthGuard>();
        builder.Services.AddSingleton<RateLimits>();
        builder.Services.AddSingleton<NodeAuthenticationFilter>();
        builder.Services.AddSingleton<ConfigVersionWaiters>();
        builder.Services.AddSingleton<ConfigVersions>();
        builder.Services.AddSingleton<PeerMasters>();
        builder.Services.AddSingleton<HaCoordinator>();
        builder.Services.AddSingleton<HeartbeatSigner>();
        builder.Services.AddSingleton<HeartbeatService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HeartbeatService>());
        builder.Services.AddHostedService<LiteFsRoleWatcher>();
        builder.Services.AddHostedService<SystemdWatchdog>();
        builder.Services.AddSingleton<ControlPlaneLighthouseService>();
        builder.Services.AddSingleton<ControlPlaneLighthouses>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ControlPlaneLighthouses>());
        builder.Services.AddHostedService<ConfigVersionPoller>();
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only configured proxies are believed; with none, X-Forwarded-For is ignored entirely.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            proxies.ForEach(forwarded.KnownProxies.Add);
            proxyNetworks.ForEach(forwarded.KnownIPNetworks.Add);
        });

        var app = builder.Build();
        app.Services.GetRequiredService<HaCoordinator>().Start(options.LiteFsDirectory);
        if (role.IsMaster && app.Services.GetRequiredService<BundleService>().EncryptStoredBundles() is > 0 and var encrypted)
        {
            logger.Information("Encrypted {Count} uploaded bundle(s) stored in plaintext by an earlier version", encrypted);
        }
        CheckPrivateFiles(options, database, warning => logger.Warning("{Warning}", warning));

        if (options.TrustedProxies.Count > 0)
        {
            // With no trusted proxy the middleware must not run at all: given empty lists it would believe every peer.
            app.UseForwardedHeaders();
        }
        app.UseMiddleware<RequestIdMiddleware>();
        if (metricsEndpoint is not null)
        {
            // The metrics listener serves /metrics only; the API listener never does.
            app.MapWhen(http => http.Connection.LocalPort == metricsEndpoint.Port && IsTcp(http),
                branch => branch.UseMetricServer(settings => settings.Registry = metrics.Registry, "/metrics"));
        }
        app.UseMiddleware<HttpMetricsMiddleware>();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseJsonForBareStatusCodes();
        app.UseRouting();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapHealthEndpoints();
        app.MapNodesEndpoints();
        app.MapClusterEndpoints();
        app.MapConfigEndpoints();
        app.MapRoutesEndpoints();
        app.MapTopologyEndpoints();
        app.MapAdminEndpoints();
        app.MapInternalEndpoints();

        app.Lifetime.ApplicationStopped.Register(database.ReleaseConnections);
        if (options.AdminSocket is not null)
        {
            AdminSocket.Prepare(options.AdminSocket, warning => logger.Warning("{Warning}", warning));
            app.Lifetime.ApplicationStarted.Register(() => AdminSocket.Restrict(options.AdminSocket));
        }
        return app;
    }

    /// <summary>The database, its WAL files and the secret file must be readable by this user only (0600 in a 0700 directory).</summary>
    private static void CheckPrivateFiles(ServerOptions options, Database database, Action<string> warn)
    {
        PrivateFiles.RestrictDirectory(System.IO.Path.GetDirectoryName(database.Path)!, "database", warn);
        foreach (var file in new[] { database.Path, database.Path + "-wal", database.Path + "-shm" })
        {
            PrivateFiles.RestrictFile(file, "database file", warn);
        }
        if (options.HmacSecretFile is not null)
        {
            PrivateFiles.RestrictFile(options.HmacSecretFile, "HMAC secret file", warn);
        }
    }

    private static bool IsTcp(HttpContext http) => http.Connection.RemoteIpAddress is not null;

    private static X509Certificate2 LoadCertificate(string certificatePath, string? keyPath)
    {
        if (keyPath is null)
        {
            throw new ConfigurationError("NEBULAGC_TLS_CERT is set but NEBULAGC_TLS_KEY is not: give both PEM files");
        }
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ConfigurationError($"loading the TLS certificate '{certificatePath}' with key '{keyPath}' failed: {ex.Message}", ex);
        }
    }

    private static (List<IPAddress> Proxies, List<System.Net.IPNetwork> Networks) ParseTrustedProxies(IReadOnlyList<string> trustedProxies)
    {
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var proxy in trustedProxies)
        {
            if (System.Net.IPNetwork.TryParse(proxy, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(proxy, out var address))
            {
                proxies.Add(address);
            }
            else
            {
                throw new ConfigurationError($"trusted proxy '{proxy}' is neither an IP address nor a CIDR (NEBULAGC_TRUSTED_PROXIES)");
            }
        }
        return (proxies, networks);
    }
}
