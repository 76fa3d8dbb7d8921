using NebulaGC.Daemon.Configuration;

namespace NebulaGC.Daemon.Apply;

/// <summary>
/// Where one cluster's files live.
/// <c>config_dir/current</c> → <c>versions/v&lt;n&gt;-&lt;id&gt;</c> (a symlink, switched by rename);
/// <c>state_dir/clusters/&lt;name&gt;/</c> holds the host key, the applied state, nebula's pid and log.
/// </summary>
public sealed class ClusterPaths(string configDir, string stateDir, string clusterName)
{
    public ClusterPaths(ClusterSettings cluster, DaemonSettings settings)
        : this(cluster.ConfigDir, settings.StateDir, cluster.Name)
    {
    }

    public string ConfigDir { get; } = configDir;
    public string VersionsDir => Path.Combine(ConfigDir, "versions");
    public string CurrentLink => Path.Combine(ConfigDir, "current");

    /// <summary>The path nebula is started with; it resolves through <see cref="CurrentLink"/>.</summary>
    public string CurrentConfigFile => Path.Combine(CurrentLink, "config.yml");

    public string ClusterStateDir { get; } = Path.Combine(stateDir, "clusters", clusterName);
    public string HostKey => Path.Combine(ClusterStateDir, "host.key");
    public string HostPublicKey => Path.Combine(ClusterStateDir, "host.pub");
    public string StateFile => Path.Combine(ClusterStateDir, "state.json");
    public string EnrollmentFile => Path.Combine(ClusterStateDir, "enrollment.json");
    public string NebulaPidFile => Path.Combine(ClusterStateDir, "nebula.pid");
    public string NebulaLog => Path.Combine(ClusterStateDir, "nebula.log");

    public string VersionDir(string name) => Path.Combine(VersionsDir, name);

    public void EnsureDirectories()
    {
        const UnixFileMode privateDir = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode publicDir = privateDir | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(ClusterStateDir, privateDir);
        Directory.CreateDirectory(ConfigDir, publicDir);
        Directory.CreateDirectory(VersionsDir, publicDir);
    }
}
