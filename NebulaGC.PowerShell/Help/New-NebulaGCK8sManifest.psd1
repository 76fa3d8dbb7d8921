@{
    Synopsis    = 'Renders a kustomize base that deploys NebulaGC on Kubernetes in the Single, Litestream or LiteFS topology.'
    Description = @'
Writes kustomization.yaml with namespace.yaml, serviceaccount.yaml, statefulset.yaml, service.yaml, poddisruptionbudget.yaml, networkpolicy.yaml and daemonset.yaml, plus config/server.env (a generated ConfigMap) and the secrets the kustomization generates Secrets from: secrets/hmac-secret (random, 0600), secrets/daemon.json (0600, fill in the node credentials) and, for Litestream, secrets/litestream.env (0600, replica credentials). Secret files are created once and never overwritten; keep them out of git.

Single: one server pod on a PersistentVolumeClaim. Litestream (recommended): the same, with a Litestream restore init container (-if-db-not-exists -if-replica-exists) and a replicate sidecar. Both server pods meet Pod Security "restricted" (non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, read-only root file system) in a namespace that enforces it.

LiteFS: LiteFSReplicas pods with a privileged LiteFS sidecar (FUSE) and a Consul lease; its namespace must be "privileged". The daemon DaemonSet runs in its own privileged namespace with hostNetwork, NET_ADMIN only and one tun device from a device plugin resource (TunResource).

Build and apply with: kubectl apply -k <Path>
'@
    Parameters  = @{
        Topology          = 'Single, Litestream or LiteFS; or topology in the values.'
        DaemonNamespace   = 'Namespace of the daemon DaemonSet. Default: nebulagc-daemon.'
        DaemonImage       = 'Container image of the nebulagc daemon.'
        ServiceType       = 'Type of the client-facing Service: ClusterIP (default), LoadBalancer or NodePort.'
        StorageSize       = 'Size of each server PersistentVolumeClaim. Default: 1Gi.'
        StorageClass      = 'StorageClass of the PersistentVolumeClaims. Default: the cluster default.'
        TunResource       = 'Extended resource a tun device plugin advertises; the DaemonSet requests one per pod. Default: squat.ai/tun.'
        ConsulUrl         = 'Consul URL of the LiteFS lease (topology LiteFS).'
        LiteFSReplicas    = 'Number of LiteFS server pods (topology LiteFS). Default: 3.'
    }
    Examples    = @(
        @{
            Title   = 'Litestream topology backed up to S3'
            Code    = 'New-NebulaGCK8sManifest -Topology Litestream -Replica S3 -Bucket nebulagc-backups -Region eu-west-1 -Path ./deploy/k8s'
            Remarks = 'Fill in secrets/litestream.env and secrets/daemon.json, then: kubectl apply -k ./deploy/k8s'
        }
        @{
            Title   = 'From a values file in CI'
            Code    = 'New-NebulaGCK8sManifest -Topology Single -ValuesPath ./nebulagc.values.yml -Path ./deploy/k8s -Verbose'
            Remarks = 'Settings come from the values file; -Verbose narrates each template rendered and each file written.'
        }
    )
}
