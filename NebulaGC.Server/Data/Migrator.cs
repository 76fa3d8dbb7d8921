using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Hosting;

namespace NebulaGC.Server.Data;

/// <summary>
/// Applies the append-only SQL migrations embedded in this assembly (<c>Data/Migrations/NNNN_name.sql</c>), each in
/// its own transaction, and records them in <c>schema_migrations</c> and <c>PRAGMA user_version</c>.
/// </summary>
public static class Migrator
{
    private const string ResourcePrefix = "NebulaGC.Server.Migrations.";

    public sealed record Migration(int Version, string Name, string Sql);

    public static IReadOnlyList<Migration> All { get; } = LoadEmbedded();

    /// <summary>The schema version this build expects: the number of the newest migration.</summary>
    public static int LatestVersion => All[^1].Version;

    /// <summary>Turns on WAL and applies every pending migration. Returns the migrations applied now.</summary>
    public static IReadOnlyList<Migration> Apply(Database database, TimeProvider time)
    {
        if (database.IsReadOnly)
        {
            throw new ReplicaReadOnly();
        }
        // The file holds keys and token hashes: it starts 0600 in a 0700 directory, and SQLite gives -wal and -shm its mode.
        PrivateFiles.CreateDirectory(System.IO.Path.GetDirectoryName(database.Path)!);
        PrivateFiles.CreateFile(database.Path);
        using var connection = database.Open();
        // WAL lets replicas and Litestream read while the master writes; the mode is persistent in the file.
        connection.Execute("PRAGMA journal_mode = WAL;");
        connection.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);");
        var current = CurrentVersion(connection);
        if (current > LatestVersion)
        {
            throw new SchemaMismatch($"database '{database.Path}' has schema version {current}, newer than this build's {LatestVersion}: upgrade nebulagc-server");
        }
        var applied = new List<Migration>();
        foreach (var migration in All.Where(m => m.Version > current))
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            connection.Execute(migration.Sql, transaction);
            connection.Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t);", transaction,
                ("$v", migration.Version), ("$n", migration.Name), ("$t", time.GetUtcNow().ToDbTime()));
            connection.Execute($"PRAGMA user_version = {migration.Version};", transaction);
            transaction.Commit();
            applied.Add(migration);
        }
        return applied;
    }

    /// <summary>The schema version recorded in the file (0 for a new or foreign database).</summary>
    public static int CurrentVersion(SqliteConnection connection) =>
        Convert.ToInt32(connection.Scalar("PRAGMA user_version;"), CultureInfo.InvariantCulture);

    /// <summary>Fails unless the database is exactly at <see cref="LatestVersion"/> (what a replica requires).</summary>
    public static int RequireCurrent(Database database)
    {
        if (!File.Exists(database.Path))
        {
            throw new SchemaMismatch($"database '{database.Path}' does not exist: a replica needs the master's replicated database");
        }
        var version = database.Read(CurrentVersion);
        if (version != LatestVersion)
        {
            throw new SchemaMismatch($"database '{database.Path}' has schema version {version} but this build needs {LatestVersion}: run the same nebulagc-server version as the master, or run `nebulagc-server migrate` on the master");
        }
        return version;
    }

    private static IReadOnlyList<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var fileName = resource[ResourcePrefix.Length..];
            var separator = fileName.IndexOf('_');
            var version = int.Parse(fileName[..separator], CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(version, Path.GetFileNameWithoutExtension(fileName[(separator + 1)..]), reader.ReadToEnd()));
        }
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"embedded migrations must be numbered 1..n without gaps; found {migrations[i].Version} at position {i + 1}");
            }
        }
        return migrations;
    }
}
