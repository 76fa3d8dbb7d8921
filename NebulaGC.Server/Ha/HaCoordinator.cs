using Microsoft.Data.Sqlite;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Configuration;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Data;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Observability;
using NebulaGC.Server.Services;

namespace NebulaGC.Server.Ha;

/// <summary>
/// Every role change of this instance — start-up, promote, demote, fencing, LiteFS — and the write guard that makes
/// fencing safe: each write transaction re-reads the epoch, so an instance that lost mastership cannot commit.
/// </summary>
public sealed class HaCoordinator(Database database, RoleState role, ReplicaService replicas, PeerMasters peers, ServerOptions options, ServerMetrics metrics, TimeProvider time, ILogger<HaCoordinator> logger)
{
    private readonly Lock _transitions = new();

    // The newer master a peer named when it fenced this instance; replaces the (stale) master its own database names.
    private PeerMaster? _fencedBy;

    /// <summary>Takes the start-up role: a master migrates and claims the database, a replica only checks the schema.</summary>
    public void Start(string? liteFsDirectory)
    {
        var master = role.ConfiguredRole switch
        {
            ServerRole.Master => true,
            ServerRole.Replica => false,
            _ => !LiteFsPrimary.IsReplica(liteFsDirectory!),
        };
        if (master && role.ConfiguredRole == ServerRole.Master && NewerMasterAtStartUp() is { } newer)
        {
            FenceByPeer(newer, "start-up");
        }
        else if (master)
        {
            BecomeMaster(promotion: false, "start-up");
        }
        else
        {
            BecomeReplica("start-up");
        }
        database.BeforeWrite = GuardWrite;
    }

    /// <summary>Makes this replica the master with a new epoch (fences the previous master). Refused on a master.</summary>
    public HaStatus Promote()
    {
        if (role.IsMaster)
        {
            throw new AlreadyMaster(role.InstanceId, role.Epoch);
        }
        BecomeMaster(promotion: true, "promote");
        return Status();
    }

    /// <summary>Commits one empty write through the write guard: proof that this master can write (a failover's last check).</summary>
    public HaStatus WriteCheck()
    {
        database.Write((_, _) => 0);
        return Status();
    }

    /// <summary>
    /// A master asks its configured peers for their epoch; one that is master at this epoch or a newer one under another
    /// instance id fences this instance. Returns whether it was fenced.
    /// </summary>
    public async Task<bool> CheckPeersAsync(CancellationToken cancellation)
    {
        if (!role.IsMaster || role.ConfiguredRole == ServerRole.LiteFs || peers.Configured.Count == 0)
        {
            return false;
        }
        var newer = await peers.FindAsync(peers.Configured, role.InstanceId, role.Epoch, cancellation);
        if (newer is null)
        {
            return false;
        }
        FenceByPeer(newer, "heartbeat");
        return true;
    }

    /// <summary>Stops accepting writes at once; the instance serves reads as a replica until promoted again.</summary>
    public HaStatus Demote()
    {
        if (!role.IsMaster)
        {
            throw new NotMaster(role.InstanceId);
        }
        BecomeReplica("demote");
        return Status();
    }

    /// <summary>A master that finds a newer epoch naming another instance turns read-only. Returns whether it was fenced.</summary>
    public bool CheckFencing()
    {
        if (!role.IsMaster)
        {
            return false;
        }
        var state = database.Read(c => HaStore.State(c, null));
        if (IsFencedBy(state))
        {
            Fence(state);
            return true;
        }
        return false;
    }

    /// <summary>A replica re-reads the epoch and the master's URL (where it sends writers and heartbeats).</summary>
    public void Refresh()
    {
        if (!role.IsMaster)
        {
            var state = database.Read(c => HaStore.State(c, null));
            var (epoch, masterUrl) = _fencedBy is { } peer && peer.Epoch >= state.Epoch ? (peer.Epoch, peer.Url) : (state.Epoch, state.MasterUrl);
            role.Set(false, epoch, masterUrl);
            metrics.Epoch.Set(epoch);
        }
    }

    /// <summary>LiteFS decides: primary when <c>.primary</c> is absent. Called every second in the <c>litefs</c> role.</summary>
    public void FollowLiteFs(string liteFsDirectory)
    {
        var replica = LiteFsPrimary.IsReplica(liteFsDirectory);
        if (replica && role.IsMaster)
        {
            BecomeReplica($"LiteFS names {LiteFsPrimary.PrimaryHost(liteFsDirectory)} as primary");
        }
        else if (!replica && !role.IsMaster)
        {
            BecomeMaster(promotion: true, "LiteFS made this node primary");
        }
    }

    public HaStatus Status() => database.Read(c =>
    {
        var schema = Migrator.CurrentVersion(c);
        var state = HaStore.State(c, null);
        var (isMaster, epoch) = role.Snapshot();
        return new HaStatus(role.InstanceId, isMaster ? "master" : "replica", isMaster, epoch, state.MasterInstanceId, state.MasterUrl, schema,
            HaStore.DataPosition(c, null), ClusterStore.Versions(c));
    });

    /// <summary>This instance's copy of the replicated write counter (see <see cref="HaStore.DataPosition"/>).</summary>
    public long DataPosition() => database.Read(c => HaStore.DataPosition(c, null));

    private void GuardWrite(SqliteConnection c, SqliteTransaction tx)
    {
        if (!role.IsMaster)
        {
            throw new ReplicaReadOnly();
        }
        var state = HaStore.State(c, tx);
        if (IsFencedBy(state))
        {
            Fence(state);
            throw new ReplicaReadOnly();
        }
        HaStore.AdvanceDataPosition(c, tx);
    }

    private bool IsFencedBy(HaStateRow state) => state.MasterInstanceId != role.InstanceId || state.Epoch > role.Epoch;

    private void Fence(HaStateRow state)
    {
        lock (_transitions)
        {
            database.IsReadOnly = true;
            role.Set(false, state.Epoch, state.MasterUrl);
            metrics.IsMaster.Set(0);
            metrics.Epoch.Set(state.Epoch);
        }
        logger.LogWarning("Fenced: epoch {Epoch} names {MasterInstanceId} as master; this instance is read-only now", state.Epoch, state.MasterInstanceId);
    }

    /// <summary>
    /// Start-up of a configured master. When its database names another instance as master, that master still counts
    /// while its registry entry is fresh (it records itself every heartbeat) or while it answers as master; configured peers
    /// are asked too. Any such master at the recorded epoch or later keeps this instance read-only: a returning old master
    /// never takes writes back by restarting. Only <c>promote</c> moves mastership.
    /// </summary>
    private PeerMaster? NewerMasterAtStartUp()
    {
        var recorded = File.Exists(database.Path) ? database.Read(RecordedState) : null;
        var urls = peers.Configured.ToList();
        if (recorded?.State is { MasterInstanceId: { } id } state && id != role.InstanceId)
        {
            var freshSince = time.GetUtcNow() - 3 * options.HeartbeatInterval;
            if (recorded.Value.Registry.Any(r => r.InstanceId == id && r.LastSeenAt > freshSince))
            {
                return new PeerMaster(state.MasterUrl, id, state.Epoch);
            }
            if (state.MasterUrl is { } url)
            {
                urls.Add(url);
            }
        }
        return urls.Count == 0 ? null : peers.FindAsync(urls, role.InstanceId, recorded?.State.Epoch ?? 0, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static (HaStateRow State, List<ReplicaRow> Registry)? RecordedState(SqliteConnection c) =>
        Migrator.CurrentVersion(c) == 0 ? null : (HaStore.State(c, null), HaStore.Replicas(c));

    private void FenceByPeer(PeerMaster newer, string reason)
    {
        lock (_transitions)
        {
            _fencedBy = newer;
            database.IsReadOnly = true;
            role.Set(false, newer.Epoch, newer.Url);
            metrics.IsMaster.Set(0);
            metrics.Epoch.Set(newer.Epoch);
        }
        logger.LogWarning("Fenced ({Reason}): {Url} is master {MasterInstanceId} at epoch {Epoch}; this instance is read-only until promoted",
            reason, newer.Url, newer.InstanceId, newer.Epoch);
    }

    private void BecomeMaster(bool promotion, string reason)
    {
        lock (_transitions)
        {
            _fencedBy = null;
            database.IsReadOnly = false;
            Migrator.Apply(database, time);
            var state = Claim(promotion);
            role.Set(true, state.Epoch, state.MasterUrl);
            metrics.IsMaster.Set(1);
            metrics.Epoch.Set(state.Epoch);
            replicas.Record(role.InstanceId, role.PublicUrl, "master");
        }
        logger.LogInformation("Became master ({Reason}) at epoch {Epoch}", reason, role.Epoch);
    }

    private void BecomeReplica(string reason)
    {
        lock (_transitions)
        {
            role.Set(false, role.Epoch, null);
            database.IsReadOnly = true;
            metrics.IsMaster.Set(0);
            Migrator.RequireCurrent(database);
        }
        Refresh();
        logger.LogInformation("Serving as replica ({Reason}) at epoch {Epoch}", reason, role.Epoch);
    }

    /// <summary>
    /// Records this instance as master. A promotion, or a start-up after another instance was master, takes a new epoch;
    /// restarting the recorded master keeps its epoch (an unclean restart never locks it out).
    /// </summary>
    private HaStateRow Claim(bool promotion)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        var current = HaStore.State(connection, transaction);
        var keep = !promotion && current.MasterInstanceId == role.InstanceId;
        var claimed = current with
        {
            Epoch = keep ? current.Epoch : current.Epoch + 1,
            MasterInstanceId = role.InstanceId,
            MasterUrl = role.PublicUrl,
        };
        HaStore.SetMaster(connection, transaction, claimed.Epoch, role.InstanceId, role.PublicUrl, time.GetUtcNow());
        HaStore.AdvanceDataPosition(connection, transaction);
        transaction.Commit();
        return claimed;
    }
}

/// <summary>LiteFS marks a replica with <c>&lt;dir&gt;/.primary</c>, holding the primary's hostname.</summary>
public static class LiteFsPrimary
{
    public const string FileName = ".primary";

    public static bool IsReplica(string directory) => File.Exists(Path.Combine(directory, FileName));

    public static string PrimaryHost(string directory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(directory, FileName)).Trim();
        }
        catch (IOException)
        {
            return "another node";
        }
    }
}
