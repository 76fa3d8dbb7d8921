# Help texts of parameters several NebulaGC cmdlets share. A cmdlet's own <Cmdlet>.psd1 may override any of them.
@{
    Parameters = @{
        Path         = 'Directory to write the rendered files into (created when missing). Files whose content and mode are already right are left untouched, so a second run with the same inputs changes no byte. Without -Path nothing is written and the rendered files are emitted as objects with Path, Kind and Content.'
        ValuesPath   = 'A values file of deployment settings, YAML (.yml/.yaml) or PowerShell data (.psd1), like Helm values: keys are setting names (Name, Namespace, Image, Port, DataDir, Replicas, Backends, ...), case-insensitive. An unknown key is an error (ValuesUnknownKey). Parameters given on the command line override the file.'
        TemplatePath = 'A directory laid out like the module''s templates folder (for example systemd/nebulagc-server.service.scriban). A file there replaces the embedded template of the same relative name; every other template stays the embedded one.'
        PassThru     = 'With -Path, also emit one object per file (Path, Kind, Status, Mode, Content). Status tells whether the file was Created, Updated, Unchanged, Kept or Skipped.'
        Name         = 'Prefix of every rendered object name: systemd units, Kubernetes objects, compose services, load-balancer backends. Default: nebulagc.'
        Namespace    = 'Kubernetes namespace of the control plane. Default: nebulagc.'
        Image        = 'Container image of nebulagc-server.'
        Port         = 'TCP port of the server API (NEBULAGC_LISTEN_ADDR). Default: 8080.'
        MetricsPort  = 'TCP port of the separate Prometheus listener (NEBULAGC_METRICS_ADDR, serves /metrics); 0 switches it off. Default: 9100.'
        Role         = 'Role of nebulagc-server: Master, Replica or LiteFS (NEBULAGC_ROLE). Default: Master.'
        DataDir      = 'Directory of the SQLite database. Default: /var/lib/nebulagc.'
        ConfigDir    = 'Directory of the configuration and environment files. Default: /etc/nebulagc.'
        BinDir       = 'Directory holding the nebulagc-server and nebulagc executables. Default: /usr/local/bin.'
        ListenHost   = 'Interface the API and metrics listeners bind to on a host. Default: 127.0.0.1 (the server''s own default); use 0.0.0.0 behind a load balancer on another host.'
        PublicUrl    = 'URL clients use to reach this instance (NEBULAGC_PUBLIC_URL). Default: http://<ListenHost>:<Port> on a host, the pod''s stable DNS name in Kubernetes.'
        InstanceId   = 'Stable instance id (NEBULAGC_INSTANCE_ID). Default: the host name (systemd %H) or the pod name.'
    }
}
