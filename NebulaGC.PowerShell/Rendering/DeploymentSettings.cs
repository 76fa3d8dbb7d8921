namespace NebulaGC.PowerShell.Rendering;

public enum ServerRole { Master, Replica, LiteFS }

public enum SystemdComponent { Server, Daemon, Litestream, LiteFS }

public enum ContainerComponent { Server, Daemon }

public enum Topology { Single, Litestream, LiteFS }

public enum ReplicaType { S3, GCS, ABS, SFTP, File }

public enum LitestreamVersion { V0_3, V0_5 }

public enum LeaseType { Consul, Static }

public enum LoadBalancerKind { HAProxy, Nginx }

public enum SecretFormat { EnvFile, File, DockerSecret, K8sSecret }

public enum LogFormat { Json, Console }

public enum ServiceType { ClusterIP, LoadBalancer, NodePort }

/// <summary>
/// The one deployment model every template renders from. Defaults are the server's own defaults (SPEC §5)
/// or what an operator would pick; a values file (-ValuesPath) and then cmdlet parameters override them.
/// Values-file keys are these property names (case-insensitive; '-' and '_' ignored).
/// </summary>
public sealed class DeploymentSettings
{
    /// <summary>Prefix of every rendered object name (units, Kubernetes objects, compose services).</summary>
    public string Name { get; set; } = "nebulagc";

    /// <summary>Kubernetes namespace of the control plane (PSS "restricted").</summary>
    public string Namespace { get; set; } = "nebulagc";

    /// <summary>Kubernetes namespace of the daemon DaemonSet (PSS "privileged": hostNetwork + tun).</summary>
    public string DaemonNamespace { get; set; } = "nebulagc-daemon";

    /// <summary>Server container image.</summary>
    public string Image { get; set; } = "nebulagc/nebulagc-server:" + ModuleInfo.Version;

    /// <summary>Daemon container image.</summary>
    public string DaemonImage { get; set; } = "nebulagc/nebulagc:" + ModuleInfo.Version;

    public string LitestreamImage { get; set; } = "litestream/litestream:0.3.13";

    public string LiteFSImage { get; set; } = "flyio/litefs:0.5.11";

    /// <summary>Role the server runs in (systemd, compose); Kubernetes topologies pick it themselves.</summary>
    public ServerRole Role { get; set; } = ServerRole.Master;

    /// <summary>API port (NEBULAGC_LISTEN_ADDR's port).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Interface the API listens on outside containers; the server's own default is 127.0.0.1.</summary>
    public string ListenHost { get; set; } = "127.0.0.1";

    /// <summary>Prometheus listener port (NEBULAGC_METRICS_ADDR); 0 switches metrics off.</summary>
    public int MetricsPort { get; set; } = 9100;

    /// <summary>URL clients use to reach this instance (NEBULAGC_PUBLIC_URL); empty: derived per platform.</summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>Stable instance id (NEBULAGC_INSTANCE_ID); empty: the host name (systemd %H) or the pod name.</summary>
    public string InstanceId { get; set; } = "";

    public string DataDir { get; set; } = "/var/lib/nebulagc";

    public string DbFileName { get; set; } = "nebulagc.db";

    public string ConfigDir { get; set; } = "/etc/nebulagc";

    public string BinDir { get; set; } = "/usr/local/bin";

    public string AdminSocket { get; set; } = "/run/nebulagc/admin.sock";

    public string LogLevel { get; set; } = "Information";

    public LogFormat LogFormat { get; set; } = LogFormat.Json;

    /// <summary>Comma-separated proxies whose X-Forwarded-For is trusted (NEBULAGC_TRUSTED_PROXIES).</summary>
    public string TrustedProxies { get; set; } = "";

    /// <summary>Watchdog interval of the systemd unit (the server pings at half of it).</summary>
    public int WatchdogSeconds { get; set; } = 30;

    // Kubernetes
    public string StorageSize { get; set; } = "1Gi";

    public string StorageClass { get; set; } = "";

    public ServiceType ServiceType { get; set; } = ServiceType.ClusterIP;

    public string CpuRequest { get; set; } = "100m";

    public string MemoryRequest { get; set; } = "128Mi";

    public string MemoryLimit { get; set; } = "512Mi";

    /// <summary>Extended resource a tun device plugin advertises; the daemon DaemonSet requests one.</summary>
    public string TunResource { get; set; } = "squat.ai/tun";

    /// <summary>Number of LiteFS server pods (one primary, the rest read replicas).</summary>
    public int LiteFSReplicas { get; set; } = 3;

    // Litestream
    public LitestreamVersion LitestreamVersion { get; set; } = LitestreamVersion.V0_3;

    public List<ReplicaSettings> Replicas { get; set; } = [];

    public string Retention { get; set; } = "72h";

    public string SnapshotInterval { get; set; } = "24h";

    public string SyncInterval { get; set; } = "1s";

    /// <summary>Litestream's Prometheus listener (its top-level addr); empty switches it off.</summary>
    public string LitestreamMetricsAddr { get; set; } = ":9090";

    // LiteFS
    public LeaseType Lease { get; set; } = LeaseType.Consul;

    public string LiteFSDir { get; set; } = "/litefs";

    public string LiteFSDataDir { get; set; } = "/var/lib/litefs";

    public string ConsulUrl { get; set; } = "http://127.0.0.1:8500";

    public string ConsulKey { get; set; } = "nebulagc/primary";

    /// <summary>Static lease: the host name of the one primary.</summary>
    public string PrimaryHostname { get; set; } = "";

    /// <summary>LiteFS advertise URL of this node (http://HOST:20202).</summary>
    public string AdvertiseUrl { get; set; } = "";

    public bool Candidate { get; set; } = true;

    // Load balancer
    public List<BackendSettings> Backends { get; set; } = [];

    public int LoadBalancerPort { get; set; } = 80;

    // Daemon
    public string DaemonConfigPath { get; set; } = "/etc/nebulagc/daemon.json";

    public string NebulaBinary { get; set; } = "/usr/bin/nebula";

    /// <summary>The database file; under role LiteFS it lives on the LiteFS mount.</summary>
    public string DbPath => DbPathFor(Role == ServerRole.LiteFS);

    /// <summary>The database file on the LiteFS mount (<paramref name="liteFS"/>) or in the data directory.</summary>
    public string DbPathFor(bool liteFS) => (liteFS ? LiteFSDir : DataDir).TrimEnd('/') + "/" + DbFileName;

    public string ListenAddress => $"{ListenHost}:{Port}";

    public string ServerBinary => BinDir.TrimEnd('/') + "/nebulagc-server";

    public string DaemonBinary => BinDir.TrimEnd('/') + "/nebulagc";

    public string RoleFlag => Role switch { ServerRole.Master => "master", ServerRole.Replica => "replica", _ => "litefs" };

    public string LitestreamDialect => LitestreamVersion == LitestreamVersion.V0_5 ? "0.5" : "0.3";
}

/// <summary>One Litestream replica destination. Credentials never live here: they come from the environment.</summary>
public sealed class ReplicaSettings
{
    public ReplicaType Type { get; set; } = ReplicaType.S3;

    /// <summary>Replica name (0.3: used by restore -replica); defaults to the type in lower case.</summary>
    public string Name { get; set; } = "";

    /// <summary>S3/GCS bucket, or the Azure container.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>Path inside the bucket, or the directory of a file replica.</summary>
    public string Path { get; set; } = "nebulagc";

    /// <summary>S3-compatible endpoint (MinIO, s3rver), or the Azure blob endpoint.</summary>
    public string Endpoint { get; set; } = "";

    public string Region { get; set; } = "";

    public bool ForcePathStyle { get; set; }

    /// <summary>Azure storage account name (the key comes from LITESTREAM_AZURE_ACCOUNT_KEY).</summary>
    public string AccountName { get; set; } = "";

    /// <summary>SFTP host:port.</summary>
    public string Host { get; set; } = "";

    public string User { get; set; } = "";

    /// <summary>SFTP private key file.</summary>
    public string KeyPath { get; set; } = "";

    /// <summary>The type as text, for templates (S3, GCS, ABS, SFTP, File).</summary>
    public string TypeName => Type.ToString();

    public string EffectiveName => string.IsNullOrEmpty(Name) ? Type.ToString().ToLowerInvariant() : Name;
}

/// <summary>One control-plane instance behind the load balancer.</summary>
public sealed class BackendSettings
{
    public string Name { get; set; } = "";

    /// <summary>host:port of the instance's API listener.</summary>
    public string Address { get; set; } = "";
}
