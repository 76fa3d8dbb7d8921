using Microsoft.Data.Sqlite;

namespace NebulaGC.Server.Data.Stores;

public static class TenantStore
{
    public static void Insert(SqliteConnection c, SqliteTransaction tx, TenantRow tenant) =>
        c.Execute("INSERT INTO tenants (tenant_id, name, created_at) VALUES ($id, $name, $at);", tx,
            ("$id", tenant.TenantId.ToDbId()), ("$name", tenant.Name), ("$at", tenant.CreatedAt.ToDbTime()));

    public static bool NameExists(SqliteConnection c, SqliteTransaction? tx, string name) =>
        c.Scalar("SELECT 1 FROM tenants WHERE name = $name;", tx, ("$name", name)) is not null;

    public static TenantRow? Find(SqliteConnection c, SqliteTransaction? tx, Guid tenantId) =>
        c.Query(tx, "SELECT * FROM tenants WHERE tenant_id = $id;", Map, ("$id", tenantId.ToDbId())).FirstOrDefault();

    public static List<TenantRow> List(SqliteConnection c) =>
        c.Query(null, "SELECT * FROM tenants ORDER BY created_at, tenant_id;", Map);

    private static TenantRow Map(SqliteDataReader r) => new(r.ReadGuid("tenant_id"), r.GetString(r.GetOrdinal("name")), r.ReadTime("created_at"));
}
