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
/// Each setting carries its values-file key, its kind (type and validator) and the comment Get-NebulaGCValues
/// prints (<see cref="ValueAttribute"/>). Reads are recorded, so a render can tell which given settings it never used.
/// </summary>
public sealed class DeploymentSettings
{
    private readonly HashSet<string> _read = [];

    /// <summary>Settings (property names) read since the last <see cref="ForgetReads"/>.</summary>
    public IReadOnlySet<string> ReadSettings => _read;

    /// <summary>Starts recording reads afresh (binding reads a setting or two; the render's reads are what count).</summary>
    public void ForgetReads() => _read.Clear();

    private T Read<T>(T value, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        _read.Add(name);
        return value;
    }

    [Value("topology", ValueKind.Selector, "Topology of compose and Kubernetes renders: Single, Litestream or LiteFS. Required here or as -Topology.")]
    public Topology? Topology { get => Read(field); set; }

    [Value("component", ValueKind.Selector, "Component of systemd (Server, Daemon, Litestream, LiteFS) and Dockerfile (Server, Daemon) renders. Required here or as -Component.")]
    public string? Component { get => Read(field); set; }

    /// <summary>Prefix of every rendered object name (units, Kubernetes objects, compose services).</summary>
    [Value("name", ValueKind.NamePrefix, "Prefix of every rendered object name: systemd units, Kubernetes objects, compose services, load-balancer backends. DNS label, at most 40 characters.")]
    public string Name { get => Read(field); set; } = "nebulagc";

    /// <summary>Kubernetes namespace of the control plane (PSS "restricted").</summary>
    [Value("namespace", ValueKind.DnsLabel, "Kubernetes namespace of the control plane; it enforces Pod Security \"restricted\".")]
    public string Namespace { get => Read(field); set; } = "nebulagc";

    /// <summary>Kubernetes namespace of the daemon DaemonSet (PSS "privileged": hostNetwork + tun).</summary>
    [Value("daemonNamespace", ValueKind.DnsLabel, "Kubernetes namespace of the daemon DaemonSet (Pod Security \"privileged\": hostNetwork and a tun device).")]
    public string DaemonNamespace { get => Read(field); set; } = "nebulagc-daemon";

    /// <summary>Server container image.</summary>
    [Value("image", ValueKind.Image, "Server container image: a reference (repository:tag) or a map with repository and tag.")]
    public string Image { get => Read(field); set; } = "nebulagc/nebulagc-server:" + ModuleInfo.Version;

    /// <summary>Daemon container image.</summary>
    [Value("daemonImage", ValueKind.Image, "Daemon container image: a reference (repository:tag) or a map with repository and tag.")]
    public string DaemonImage { get => Read(field); set; } = "nebulagc/nebulagc:" + ModuleInfo.Version;

    [Value("litestream.image", ValueKind.Image, "Litestream container image (Kubernetes init container and sidecar, compose service).")]
    public string LitestreamImage { get => Read(field); set; } = "litestream/litestream:0.3.13";

    [Value("liteFS.image", ValueKind.Image, "LiteFS container image (Kubernetes and compose LiteFS topology).")]
    public string LiteFSImage { get => Read(field); set; } = "flyio/litefs:0.5.11";

    /// <summary>Role the server runs in (systemd, compose); Kubernetes topologies pick it themselves.</summary>
    [Value("role", ValueKind.Enum, "Role of nebulagc-server on a host or in compose: Master, Replica or LiteFS (NEBULAGC_ROLE). Kubernetes topologies pick it themselves.")]
    public ServerRole Role { get => Read(field); set; } = ServerRole.Master;

    /// <summary>API port (NEBULAGC_LISTEN_ADDR's port).</summary>
    [Value("port", ValueKind.Port, "TCP port of the server API (NEBULAGC_LISTEN_ADDR), 1-65535.")]
    public int Port { get => Read(field); set; } = 8080;

    /// <summary>Interface the API listens on outside containers; the server's own default is 127.0.0.1.</summary>
    [Value("listenHost", ValueKind.Host, "Interface the API and metrics listeners bind to on a host (an IP address or host name). The server's own default is 127.0.0.1.")]
    public string ListenHost { get => Read(field); set; } = "127.0.0.1";

    /// <summary>Prometheus listener port (NEBULAGC_METRICS_ADDR); 0 switches metrics off.</summary>
    [Value("metricsPort", ValueKind.PortOrZero, "TCP port of the Prometheus listener (NEBULAGC_METRICS_ADDR); 0 switches metrics off.")]
    public int MetricsPort { get => Read(field); set; } = 9100;

    /// <summary>URL clients use to reach this instance (NEBULAGC_PUBLIC_URL); empty: derived per platform.</summary>
    [Value("publicUrl", ValueKind.OptionalUrl, "URL clients use to reach this instance (NEBULAGC_PUBLIC_URL), http(s)://...; empty: derived per platform.")]
    public string PublicUrl { get => Read(field); set; } = "";

    /// <summary>Stable instance id (NEBULAGC_INSTANCE_ID); empty: the host name (systemd %H) or the pod name.</summary>
    [Value("instanceId", ValueKind.OptionalInstanceId, "Stable instance id (NEBULAGC_INSTANCE_ID); empty: the host name (systemd %H) or the pod name.")]
    public string InstanceId { get => Read(field); set; } = "";

    [Value("dataDir", ValueKind.AbsolutePath, "Directory of the SQLite database (absolute path).")]
    public string DataDir { get => Read(field); set; } = "/var/lib/nebulagc";

    [Value("dbFileName", ValueKind.FileName, "File name of the SQLite database inside dataDir (or the LiteFS mount).")]
    public string DbFileName { get => Read(field); set; } = "nebulagc.db";

    [Value("configDir", ValueKind.AbsolutePath, "Directory of the configuration and environment files on a host.")]
    public string ConfigDir { get => Read(field); set; } = "/etc/nebulagc";

    [Value("binDir", ValueKind.AbsolutePath, "Directory holding the nebulagc-server and nebulagc executables on a host.")]
    public string BinDir { get => Read(field); set; } = "/usr/local/bin";

    [Value("adminSocket", ValueKind.AbsolutePath, "Admin Unix socket (NEBULAGC_ADMIN_SOCKET); under /run so systemd manages its directory.")]
    public string AdminSocket { get => Read(field); set; } = "/run/nebulagc/admin.sock";

    [Value("logLevel", ValueKind.LogLevel, "Server log level: Trace, Debug, Information, Warning, Error or Critical.")]
    public string LogLevel { get => Read(field); set; } = "Information";

    [Value("logFormat", ValueKind.Enum, "Server log format: Json or Console.")]
    public LogFormat LogFormat { get => Read(field); set; } = LogFormat.Json;

    /// <summary>Comma-separated proxies whose X-Forwarded-For is trusted (NEBULAGC_TRUSTED_PROXIES).</summary>
    [Value("trustedProxies", ValueKind.TrustedProxies, "Comma-separated IP addresses or CIDR ranges whose X-Forwarded-For is trusted (NEBULAGC_TRUSTED_PROXIES); empty: none.")]
    public string TrustedProxies { get => Read(field); set; } = "";

    /// <summary>Watchdog interval of the systemd unit (the server pings at half of it).</summary>
    [Value("watchdogSeconds", ValueKind.WatchdogSeconds, "systemd watchdog interval of the server unit in seconds (the server pings at half of it), 1-3600.")]
    public int WatchdogSeconds { get => Read(field); set; } = 30;

    // Kubernetes
    [Value("storageSize", ValueKind.Quantity, "Size of each server PersistentVolumeClaim, a Kubernetes quantity (1Gi, 500Mi).")]
    public string StorageSize { get => Read(field); set; } = "1Gi";

    [Value("storageClass", ValueKind.OptionalDnsSubdomain, "StorageClass of the PersistentVolumeClaims; empty: the cluster default.")]
    public string StorageClass { get => Read(field); set; } = "";

    [Value("serviceType", ValueKind.Enum, "Type of the client-facing Service: ClusterIP, LoadBalancer or NodePort.")]
    public ServiceType ServiceType { get => Read(field); set; } = ServiceType.ClusterIP;

    [Value("resources.requests.cpu", ValueKind.Quantity, "CPU request of the server container, a Kubernetes quantity (100m, 1).")]
    public string CpuRequest { get => Read(field); set; } = "100m";

    [Value("resources.requests.memory", ValueKind.Quantity, "Memory request of the server container, a Kubernetes quantity (128Mi).")]
    public string MemoryRequest { get => Read(field); set; } = "128Mi";

    [Value("resources.limits.memory", ValueKind.Quantity, "Memory limit of the server container, a Kubernetes quantity (512Mi).")]
    public string MemoryLimit { get => Read(field); set; } = "512Mi";

    /// <summary>Extended resource a tun device plugin advertises; the daemon DaemonSet requests one.</summary>
    [Value("tunResource", ValueKind.ResourceName, "Extended resource a tun device plugin advertises (domain/name); the daemon DaemonSet requests one per pod.")]
    public string TunResource { get => Read(field); set; } = "squat.ai/tun";

    /// <summary>Number of LiteFS server pods (one primary, the rest read replicas).</summary>
    [Value("liteFS.replicas", ValueKind.LiteFSReplicas, "Number of LiteFS server pods or compose services (one primary, the rest read replicas), 1-9.")]
    public int LiteFSReplicas { get => Read(field); set; } = 3;

    // Litestream
    [Value("litestream.version", ValueKind.LitestreamVersion, "Litestream dialect of litestream.yml: \"0.3\" (the 0.3.x releases and the default image) or \"0.5\".")]
    public LitestreamVersion LitestreamVersion { get => Read(field); set; } = LitestreamVersion.V0_3;

    [Value("litestream.replicas", ValueKind.Replicas, "Litestream replica destinations, each a map: type (S3, GCS, ABS, SFTP, File), name, bucket, path, endpoint, region, forcePathStyle, accountName, host, user, keyPath. Litestream 0.5 takes exactly one.")]
    public List<ReplicaSettings> Replicas { get => Read(field); set; } = [];

    [Value("litestream.retention", ValueKind.Duration, "How long Litestream keeps snapshots and WAL, a Go duration (72h).")]
    public string Retention { get => Read(field); set; } = "72h";

    [Value("litestream.snapshotInterval", ValueKind.Duration, "How often Litestream takes a snapshot, a Go duration (24h).")]
    public string SnapshotInterval { get => Read(field); set; } = "24h";

    [Value("litestream.syncInterval", ValueKind.Duration, "How often Litestream ships WAL to the replica, a Go duration (1s).")]
    public string SyncInterval { get => Read(field); set; } = "1s";

    /// <summary>Litestream's Prometheus listener (its top-level addr); empty switches it off.</summary>
    [Value("litestream.metricsAddr", ValueKind.ListenAddress, "Litestream's Prometheus listener (\":9090\" or \"host:port\"); empty switches it off.")]
    public string LitestreamMetricsAddr { get => Read(field); set; } = ":9090";

    // LiteFS
    [Value("liteFS.lease", ValueKind.Enum, "LiteFS lease: Consul (fails over) or Static (one fixed primary).")]
    public LeaseType Lease { get => Read(field); set; } = LeaseType.Consul;

    [Value("liteFS.dir", ValueKind.AbsolutePath, "LiteFS FUSE mount, where the database lives under LiteFS.")]
    public string LiteFSDir { get => Read(field); set; } = "/litefs";

    [Value("liteFS.dataDir", ValueKind.AbsolutePath, "LiteFS's own data directory.")]
    public string LiteFSDataDir { get => Read(field); set; } = "/var/lib/litefs";

    [Value("liteFS.consulUrl", ValueKind.Url, "Consul URL of the LiteFS lease.")]
    public string ConsulUrl { get => Read(field); set; } = "http://127.0.0.1:8500";

    [Value("liteFS.consulKey", ValueKind.ConsulKey, "Consul key of the LiteFS lease.")]
    public string ConsulKey { get => Read(field); set; } = "nebulagc/primary";

    /// <summary>Static lease: the host name of the one primary.</summary>
    [Value("liteFS.primaryHostname", ValueKind.OptionalHost, "Static lease: host name of the one primary.")]
    public string PrimaryHostname { get => Read(field); set; } = "";

    /// <summary>LiteFS advertise URL of this node (http://HOST:20202).</summary>
    [Value("liteFS.advertiseUrl", ValueKind.OptionalUrl, "LiteFS advertise URL of this node (http://HOST:20202); empty: derived.")]
    public string AdvertiseUrl { get => Read(field); set; } = "";

    [Value("liteFS.candidate", ValueKind.Bool, "Whether this LiteFS node may become primary.")]
    public bool Candidate { get => Read(field); set; } = true;

    // Load balancer
    [Value("loadBalancer.backends", ValueKind.Backends, "Instances behind the load balancer, each a map: address (host:port) and optional name.")]
    public List<BackendSettings> Backends { get => Read(field); set; } = [];

    [Value("loadBalancer.port", ValueKind.Port, "Port the load balancer listens on.")]
    public int LoadBalancerPort { get => Read(field); set; } = 80;

    // Daemon
    [Value("daemon.configPath", ValueKind.AbsolutePath, "Path of the daemon configuration file on a host.")]
    public string DaemonConfigPath { get => Read(field); set; } = "/etc/nebulagc/daemon.json";

    [Value("daemon.nebulaBinary", ValueKind.AbsolutePath, "Path of the nebula executable the daemon runs on a host.")]
    public string NebulaBinary { get => Read(field); set; } = "/usr/bin/nebula";

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
    [Value("type", ValueKind.Enum, "S3, GCS, ABS, SFTP or File.")]
    public ReplicaType Type { get; set; } = ReplicaType.S3;

    /// <summary>Replica name (0.3: used by restore -replica); defaults to the type in lower case.</summary>
    [Value("name", ValueKind.OptionalDnsLabel, "Replica name; default: the type in lower case.")]
    public string Name { get; set; } = "";

    /// <summary>S3/GCS bucket, or the Azure container.</summary>
    [Value("bucket", ValueKind.OptionalText, "S3/GCS bucket or Azure container.")]
    public string Bucket { get; set; } = "";

    /// <summary>Path inside the bucket, or the directory of a file replica.</summary>
    [Value("path", ValueKind.Text, "Path inside the bucket, or the directory of a File replica.")]
    public string Path { get; set; } = "nebulagc";

    /// <summary>S3-compatible endpoint (MinIO, s3rver), or the Azure blob endpoint.</summary>
    [Value("endpoint", ValueKind.OptionalUrl, "Endpoint of an S3-compatible store or of Azure Blob Storage.")]
    public string Endpoint { get; set; } = "";

    [Value("region", ValueKind.OptionalText, "S3 region.")]
    public string Region { get; set; } = "";

    [Value("forcePathStyle", ValueKind.Bool, "Path-style S3 URLs.")]
    public bool ForcePathStyle { get; set; }

    /// <summary>Azure storage account name (the key comes from LITESTREAM_AZURE_ACCOUNT_KEY).</summary>
    [Value("accountName", ValueKind.OptionalText, "Azure storage account name.")]
    public string AccountName { get; set; } = "";

    /// <summary>SFTP host:port.</summary>
    [Value("host", ValueKind.OptionalHostPort, "SFTP host:port.")]
    public string Host { get; set; } = "";

    [Value("user", ValueKind.OptionalText, "SFTP user.")]
    public string User { get; set; } = "";

    /// <summary>SFTP private key file.</summary>
    [Value("keyPath", ValueKind.OptionalAbsolutePath, "SFTP private key file.")]
    public string KeyPath { get; set; } = "";

    /// <summary>The type as text, for templates (S3, GCS, ABS, SFTP, File).</summary>
    public string TypeName => Type.ToString();

    public string EffectiveName => string.IsNullOrEmpty(Name) ? Type.ToString().ToLowerInvariant() : Name;
}

/// <summary>One control-plane instance behind the load balancer.</summary>
public sealed class BackendSettings
{
    [Value("name", ValueKind.OptionalDnsLabel, "Backend name; default: <name><n>.")]
    public string Name { get; set; } = "";

    /// <summary>host:port of the instance's API listener.</summary>
    [Value("address", ValueKind.HostPort, "host:port of the instance API.")]
    public string Address { get; set; } = "";
}
