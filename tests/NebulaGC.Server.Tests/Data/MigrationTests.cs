using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using NebulaGC.Server.Data;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Data;

public sealed class MigrationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Pragma(Database db, string pragma) => Convert.ToString(db.Read(c =>
    {
        using var command = c.CreateCommand();
        command.CommandText = $"PRAGMA {pragma};";
        return command.ExecuteScalar();
    }), System.Globalization.CultureInfo.InvariantCulture)!;

    [Fact]
    public void Migrating_a_new_file_applies_every_migration_records_the_version_and_turns_on_wal()
    {
        var db = new Database(_dir.Combine("sub/dir/nebulagc.db"), readOnly: false);
        var applied = Migrator.Apply(db, new FakeTimeProvider());
        Assert.Equal(Migrator.All.Count, applied.Count);
        Assert.Equal(Migrator.LatestVersion, db.Read(Migrator.CurrentVersion));
        Assert.Equal("wal", Pragma(db, "journal_mode"));
        Assert.Equal("1", Pragma(db, "foreign_keys"));
        Assert.Equal(Database.BusyTimeoutMilliseconds.ToString(), Pragma(db, "busy_timeout"));
        Assert.Equal(Migrator.All.Count, Convert.ToInt32(db.Read(c => { using var cmd = c.CreateCommand(); cmd.CommandText = "SELECT COUNT(*) FROM schema_migrations"; return cmd.ExecuteScalar(); })));
    }

    [Fact]
    public void Migrating_twice_applies_nothing_the_second_time()
    {
        var db = new Database(_dir.Combine("nebulagc.db"), readOnly: false);
        Migrator.Apply(db, new FakeTimeProvider());
        Assert.Empty(Migrator.Apply(db, new FakeTimeProvider()));
    }

    [Fact]
    public void Migrated_schema_equals_the_canonical_schema()
    {
        var db = new Database(_dir.Combine("nebulagc.db"), readOnly: false);
        Migrator.Apply(db, new FakeTimeProvider());
        var schema = string.Join("\n", db.Read(c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name;";
            using var reader = command.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
            {
                rows.Add($"-- {reader.GetString(0)} {reader.GetString(1)}\n{reader.GetString(2)};\n");
            }
            return rows;
        }));
        var golden = RepositoryPaths.Combine("tests", "NebulaGC.Server.Tests", "Golden", "schema.sql");
        if (RepositoryPaths.UpdateGolden)
        {
            File.WriteAllText(golden, schema);
        }
        Assert.Equal(File.ReadAllText(golden), schema);
    }

    [Fact]
    public void A_database_newer_than_the_build_is_refused()
    {
        var path = _dir.Combine("future.db");
        var db = new Database(path, readOnly: false);
        Migrator.Apply(db, new FakeTimeProvider());
        db.Read(c => { using var cmd = c.CreateCommand(); cmd.CommandText = $"PRAGMA user_version = {Migrator.LatestVersion + 1}"; return cmd.ExecuteNonQuery(); });
        var error = Assert.Throws<SchemaMismatch>(() => Migrator.Apply(db, new FakeTimeProvider()));
        Assert.Contains("newer than this build", error.Message);
    }

    [Fact]
    public void Foreign_keys_are_enforced()
    {
        var db = new Database(_dir.Combine("nebulagc.db"), readOnly: false);
        Migrator.Apply(db, new FakeTimeProvider());
        var error = Assert.Throws<SqliteException>(() => db.Write((c, tx) =>
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO clusters (cluster_id, tenant_id, name, pki_mode, overlay_cidr, cluster_token_hash, created_at) VALUES ('c', 'missing', 'n', 'managed', '10.0.0.0/16', x'00', 'now')";
            return cmd.ExecuteNonQuery();
        }));
        Assert.Contains("FOREIGN KEY", error.Message);
    }

    [Fact]
    public void A_read_only_database_refuses_writes_before_touching_the_file()
    {
        var path = _dir.Combine("nebulagc.db");
        Migrator.Apply(new Database(path, readOnly: false), new FakeTimeProvider());
        var replica = new Database(path, readOnly: true);
        Assert.Throws<ReplicaReadOnly>(() => replica.Write((_, _) => 0));
        Assert.Throws<ReplicaReadOnly>(() => Migrator.Apply(replica, new FakeTimeProvider()));
    }
}
