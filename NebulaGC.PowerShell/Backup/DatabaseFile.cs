using System.Globalization;
using Microsoft.Data.Sqlite;

namespace NebulaGC.PowerShell.Backup;

/// <summary>What a NebulaGC database file holds, as backup metadata and restore reports show it.</summary>
public sealed record DatabaseSummary(
    int SchemaVersion,
    long Epoch,
    string? MasterInstanceId,
    long DataPosition,
    IReadOnlyDictionary<string, long> ConfigVersions,
    IReadOnlyDictionary<string, long> RowsPerTable);

/// <summary>Reads NebulaGC database files with SQLite itself (never as bytes): integrity, schema version, HA state, counts.</summary>
public static class DatabaseFile
{
    /// <summary>The newest schema version this release's server knows (its last migration), stamped in at build time.</summary>
    public static int SupportedSchemaVersion { get; } = int.Parse(
        typeof(DatabaseFile).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "NebulaGC.SchemaVersion").Value!, CultureInfo.InvariantCulture);

    public static SqliteConnection Open(string path, bool readOnly)
    {
        SqliteNative.EnsureResolvable();
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        using var busy = connection.CreateCommand();
        busy.CommandText = "PRAGMA busy_timeout = 10000;";
        busy.ExecuteNonQuery();
        return connection;
    }

    /// <summary>
    /// Opens <paramref name="path"/> read-only and runs <c>PRAGMA integrity_check</c>; throws <paramref name="corrupt"/>
    /// naming the first problem when the file is not a sound SQLite database.
    /// </summary>
    public static void RequireIntact(string path, ErrorId corrupt)
    {
        try
        {
            using var connection = Open(path, readOnly: true);
            var problems = Column(connection, "PRAGMA integrity_check;");
            if (problems is not ["ok"])
            {
                throw new NebulaGCException(corrupt, $"database '{path}' fails PRAGMA integrity_check: {string.Join("; ", problems.Take(3))}", path);
            }
        }
        catch (SqliteException e)
        {
            throw new NebulaGCException(corrupt, $"database '{path}' cannot be read as SQLite: {e.Message}", path, e);
        }
    }

    /// <summary>Schema version, HA state, config versions and row counts of an intact NebulaGC database.</summary>
    public static DatabaseSummary Summarize(SqliteConnection connection)
    {
        var tables = Column(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;");
        var rows = tables.ToDictionary(t => t, t => Long(connection, $"SELECT count(*) FROM \"{t}\";"), StringComparer.Ordinal);
        var schema = (int)Long(connection, "PRAGMA user_version;");
        long epoch = 0;
        string? master = null;
        if (tables.Contains("ha_state"))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT epoch, master_instance_id FROM ha_state WHERE id = 1;";
            using var reader = command.ExecuteReader();
            if (reader.Read())
            {
                epoch = reader.GetInt64(0);
                master = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }
        var position = tables.Contains("data_position") ? Long(connection, "SELECT coalesce(max(position), 0) FROM data_position;") : 0;
        var versions = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (tables.Contains("clusters"))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT cluster_id, config_version FROM clusters;";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                versions[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        return new DatabaseSummary(schema, epoch, master, position, versions, new SortedDictionary<string, long>(rows, StringComparer.Ordinal));
    }

    public static DatabaseSummary Summarize(string path)
    {
        using var connection = Open(path, readOnly: true);
        return Summarize(connection);
    }

    private static List<string> Column(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    private static long Long(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
