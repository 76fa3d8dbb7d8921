using Microsoft.Extensions.DependencyInjection;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Hosting;
using NebulaGC.Server.Observability;
using NebulaGC.Server.Security;
using NebulaGC.Server.Services;

namespace NebulaGC.Benchmarks;

/// <summary>The credentials a node sends.</summary>
public sealed record NodeCredentials(Guid TenantId, Guid ClusterId, string ClusterToken, Guid NodeId, string NodeToken);

/// <summary>
/// A database file with one managed cluster of many nodes, made through the server's own services (as the admin API
/// would), for the out-of-process AOT server to serve.
/// </summary>
public sealed class SeededDatabase
{
    public const string Secret = "bench-secret-0123456789-0123456789-abcdef";

    private SeededDatabase(string path, IReadOnlyList<NodeCredentials> nodes) => (Path, Nodes) = (path, nodes);

    public string Path { get; }

    public IReadOnlyList<NodeCredentials> Nodes { get; }

    public static async Task<SeededDatabase> CreateAsync(string path, int nodeCount)
    {
        var options = new ServerOptions
        {
            Listen = "127.0.0.1:0",
            DbPath = path,
            Role = NebulaGC.Server.Domain.ServerRole.Master,
            InstanceId = "bench-seed",
        };
        var logger = ServerLogger.Create("warning", "json", TextWriter.Null);
        var app = ServerHost.Build(options, HmacSecret.FromString(Secret), logger, TimeProvider.System);
        await app.StartAsync();
        try
        {
            var tenant = app.Services.GetRequiredService<TenantService>().Create("bench");
            var cluster = app.Services.GetRequiredService<ClusterService>().Create(new CreateClusterRequest(tenant.TenantId, "bench", null, "managed", false, null));
            var nodeService = app.Services.GetRequiredService<NodeService>();
            var nodes = new List<NodeCredentials>(nodeCount);
            for (int i = 0; i < nodeCount; i++)
            {
                var node = nodeService.Create(new AdminCreateNodeRequest(tenant.TenantId, cluster.ClusterId, $"node-{i}", false, null, null, null));
                nodes.Add(new NodeCredentials(tenant.TenantId, cluster.ClusterId, cluster.ClusterToken, node.NodeId, node.NodeToken));
            }
            return new SeededDatabase(path, nodes);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            (logger as IDisposable)?.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }
}
