using NebulaGC.Client.Contracts;
using NebulaGC.Server.Data;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Domain;

namespace NebulaGC.Server.Services;

/// <summary>What <c>nebulagc-server status</c> and <c>/v1/readyz</c> report about this instance.</summary>
public sealed class StatusService(Database database, RoleState role)
{
    public static string ProductVersion { get; } =
        typeof(StatusService).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public ServerStatus Status() =>
        new(role.InstanceId, role.RoleName, role.Epoch, ProductVersion, database.Path, database.Read(Migrator.CurrentVersion), role.PublicUrl);

    /// <summary>The status of a database no server has open: role "offline", the last recorded master and epoch.</summary>
    public static ServerStatus Offline(Database database, string instanceId)
    {
        var schema = database.Read(Migrator.CurrentVersion);
        var state = schema > 0 ? database.Read(c => HaStore.State(c, null)) : new HaStateRow(0, null, null);
        return new ServerStatus(instanceId, "offline", state.Epoch, ProductVersion, database.Path, schema, state.MasterUrl);
    }

    /// <summary>Null when ready; otherwise why not.</summary>
    public string? ReadinessProblem()
    {
        try
        {
            var schema = database.Read(Migrator.CurrentVersion);
            return schema == Migrator.LatestVersion ? null : $"schema version {schema}, expected {Migrator.LatestVersion}";
        }
        catch (Exception ex)
        {
            return $"database unavailable: {ex.Message}";
        }
    }
}
