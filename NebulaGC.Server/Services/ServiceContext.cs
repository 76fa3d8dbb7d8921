using Microsoft.Data.Sqlite;
using NebulaGC.Server.Bundles;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Data;
using NebulaGC.Server.Pki;
using NebulaGC.Server.Security;

namespace NebulaGC.Server.Services;

/// <summary>What every service needs: the database, the token hasher, the at-rest protectors (CA keys, uploaded bundles), the clock and the version feed.</summary>
public sealed record ServiceContext(Database Database, TokenService Tokens, CaKeyProtector CaKeys, BundleProtector Bundles, TimeProvider Time, ConfigVersionFeed Versions)
{
    public static ServiceContext Create(Database database, HmacSecret secret, TimeProvider time, ConfigVersionFeed versions) =>
        new(database, new TokenService(secret), new CaKeyProtector(secret.Bytes), new BundleProtector(secret.Bytes), time, versions);

    /// <summary>
    /// Runs a change to what the nodes of <paramref name="clusterId"/> render, in one write transaction that also moves the
    /// cluster's config version; the new version is announced after commit. <paramref name="change"/> gets the version it
    /// will commit as (a bundle upload is stored under it). The only way a service moves a config version.
    /// </summary>
    public (T Result, long Version) ChangeConfig<T>(Guid clusterId, Func<SqliteConnection, SqliteTransaction, long, T> change)
    {
        var (result, version) = Database.Write((c, tx) =>
        {
            // The immediate transaction holds the write lock, so nothing moves the version between this read and the bump.
            var next = ClusterStore.Version(c, tx, clusterId) + 1;
            var changed = change(c, tx, next);
            ClusterStore.BumpVersion(c, tx, clusterId);
            return (changed, next);
        });
        Versions.Publish(clusterId, version);
        return (result, version);
    }

    /// <summary>
    /// Like <see cref="ChangeConfig{T}"/> for a change that may leave every rendered config as it was (a route that only
    /// becomes pending): the version moves, in the same transaction, only when <paramref name="change"/> says configs
    /// changed. Returns the version the cluster is at after the commit.
    /// </summary>
    public (T Result, long Version) ChangeConfigWhen<T>(Guid clusterId, Func<SqliteConnection, SqliteTransaction, (T Result, bool ConfigChanged)> change)
    {
        var (result, version, changed) = Database.Write((c, tx) =>
        {
            var (changedResult, configChanged) = change(c, tx);
            var after = configChanged ? ClusterStore.BumpVersion(c, tx, clusterId) : ClusterStore.Version(c, tx, clusterId);
            return (changedResult, after, configChanged);
        });
        if (changed)
        {
            Versions.Publish(clusterId, version);
        }
        return (result, version);
    }

    /// <summary>
    /// Runs a change to the registry of control-plane instances; when <paramref name="change"/> reports that membership
    /// changed, every cluster served by control-plane lighthouses moves its version in the same transaction (their configs
    /// list the instances), announced after commit.
    /// </summary>
    public void ChangeControlPlaneMembership(Func<SqliteConnection, SqliteTransaction, bool> change)
    {
        var bumped = Database.Write((c, tx) => change(c, tx) ? ClusterStore.BumpLighthouseClusters(c, tx) : []);
        foreach (var (clusterId, version) in bumped)
        {
            Versions.Publish(clusterId, version);
        }
    }
}

public static class ServiceContextExtensions
{
    /// <summary>Now, at the millisecond precision the database keeps, so a value returned at creation equals the one listed later.</summary>
    public static DateTimeOffset Now(this ServiceContext context)
    {
        var now = context.Time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
