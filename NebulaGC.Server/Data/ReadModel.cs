using System.Collections.Concurrent;
using NebulaGC.Server.Bundles;
using NebulaGC.Server.Data.Stores;

namespace NebulaGC.Server.Data;

/// <summary>
/// What the hot path reads, kept in memory so a daemon's poll never touches SQLite: every cluster (tenant, token hashes,
/// config version, PKI mode), each cluster's nodes (name, admin flag, token hash), and uploaded bundles by version (decrypted: the database holds them encrypted).
/// Whole tables load at once (all clusters; all nodes of a cluster on its first request), so an unknown id is a miss in
/// memory like any other and costs no query: the time an answer takes does not say which ids exist.
/// <para>
/// Two things throw everything away. This process's writes do, after their commit and before they return
/// (<see cref="Database.Committed"/>). And any commit at all — this process's, the CLI's on the same file, the master's
/// replicated onto a replica — moves <see cref="Database.CurrentCommit"/>, which every read compares with the stamp its
/// generation was loaded at. So a read that starts after a commit returned never sees what it replaced: a deleted node or
/// a rotated token is refused on the very next request.
/// </para>
/// <para>
/// A read takes the current generation before it goes to the database and files what it found in that generation only:
/// if a commit lands meanwhile, that generation is already (or about to be) replaced, so an old row cannot outlive the
/// change. A generation that failed to load is replaced too, so the next read retries.
/// </para>
/// </summary>
public sealed class ReadModel
{
    private readonly Database _database;
    private Generation _current;

    private readonly BundleProtector _bundles;

    public ReadModel(Database database, BundleProtector bundles)
    {
        _database = database;
        _bundles = bundles;
        // No stamp yet (the file may not exist before migrations run): the first read replaces this generation.
        _current = new Generation(database, default);
        database.Committed += Invalidate;
    }

    public ClusterRow? Cluster(Guid clusterId) => Load(g => g.Clusters.Value.GetValueOrDefault(clusterId));

    public NodeRow? Node(Guid clusterId, Guid nodeId) => Load(g => g.Nodes(clusterId).GetValueOrDefault(nodeId));

    /// <summary>The latest uploaded bundle of an external-PKI cluster if it is the one of <paramref name="version"/>, else null.</summary>
    public BundleRow? Bundle(Guid clusterId, long version) => Load(g =>
    {
        if (g.Bundles.TryGetValue((clusterId, version), out var cached))
        {
            return cached;
        }
        var row = _database.Read(c => BundleStore.Latest(c, null, clusterId, _bundles));
        // Filed only under the version it belongs to: a bundle uploaded meanwhile cannot pass for the one asked about.
        if (row is null || row.Version != version)
        {
            return null;
        }
        g.Bundles.TryAdd((clusterId, version), row);
        return row;
    });

    /// <summary>Forgets everything; runs after each of this process's commits.</summary>
    public void Invalidate() => Interlocked.Exchange(ref _current, new Generation(_database, _database.CurrentCommit()));

    private T Load<T>(Func<Generation, T> read)
    {
        var generation = Current();
        try
        {
            return read(generation);
        }
        catch
        {
            // Lazy keeps a failed load's exception: start a fresh generation so the next read tries the database again.
            Interlocked.CompareExchange(ref _current, new Generation(_database, _database.CurrentCommit()), generation);
            throw;
        }
    }

    private Generation Current()
    {
        while (true)
        {
            // The stamp is taken before anything is loaded, so whatever a generation holds is at least as new as its stamp.
            var generation = Volatile.Read(ref _current);
            var commit = _database.CurrentCommit();
            if (generation.LoadedAt == commit)
            {
                return generation;
            }
            // Whoever swaps first wins; the others check the winner's stamp against the commit they saw (it may be older).
            var fresh = new Generation(_database, commit);
            if (Interlocked.CompareExchange(ref _current, fresh, generation) == generation)
            {
                return fresh;
            }
        }
    }

    /// <summary>One consistent-enough copy: everything in it was read after the last change it knows of.</summary>
    private sealed class Generation(Database database, CommitStamp loadedAt)
    {
        /// <summary>The file's commit stamp taken before this generation read anything.</summary>
        public CommitStamp LoadedAt { get; } = loadedAt;

        private readonly ConcurrentDictionary<Guid, Lazy<Dictionary<Guid, NodeRow>>> _nodes = new();

        public Lazy<Dictionary<Guid, ClusterRow>> Clusters { get; } =
            new(() => database.Read(c => ClusterStore.All(c, null)).ToDictionary(r => r.ClusterId), LazyThreadSafetyMode.ExecutionAndPublication);

        public ConcurrentDictionary<(Guid Cluster, long Version), BundleRow> Bundles { get; } = new();

        /// <summary>A cluster's nodes, loaded in one query by the first request that needs them (the others wait for it).</summary>
        public Dictionary<Guid, NodeRow> Nodes(Guid clusterId) =>
            _nodes.GetOrAdd(clusterId, id => new Lazy<Dictionary<Guid, NodeRow>>(
                () => database.Read(c => NodeStore.All(c, null, id)).ToDictionary(n => n.NodeId), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }
}
