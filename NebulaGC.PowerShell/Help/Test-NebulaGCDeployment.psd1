@{
    Synopsis    = 'Runs the real validators over a directory of rendered NebulaGC deployment files and reports per file.'
    Description = @'
For each file the tool that consumes it judges it: *.service with systemd-analyze verify (any warning fails) and systemd-analyze security --offline=true (the exposure score; at most ServerMaxExposure for *-server.service and DaemonMaxExposure for *-daemon.service), kustomization.yaml with kubectl kustomize, haproxy.cfg with haproxy -c, nginx.conf with nginx -t, *.rules.yml with promtool check rules, *.rules.test.yml with promtool test rules, docker-compose.yml with docker-compose config, litestream.yml and litefs.yml against their key lists, other YAML and JSON by parsing, env files by the variable names nebulagc-server reads. Secret files (secrets/*, *.secret.env, litestream.env, ...) must be mode 0600.

A validator that is not installed yields Skipped (with a warning), never Passed. systemd-analyze verify needs the unit's ExecStart executable to exist on this machine.
'@
    Parameters  = @{
        Path              = 'The directory (searched recursively) or one file to validate; also from the pipeline (Path or FullName of render output).'
        ServerMaxExposure = 'Highest systemd-analyze security exposure accepted for *-server.service. Default: 1.5.'
        DaemonMaxExposure = 'Highest exposure accepted for *-daemon.service. Default: 2.0.'
    }
    Examples    = @(
        @{
            Title   = 'Render, then validate, in CI'
            Code    = 'New-NebulaGCK8sManifest -Topology Litestream -Replica S3 -Bucket b -Path ./k8s; Test-NebulaGCDeployment ./k8s | Where-Object Status -EQ Failed'
            Remarks = 'Lists the files a real validator rejected; an empty result means every check passed or was skipped.'
        }
        @{
            Title   = 'Fail a pipeline on any failed check'
            Code    = 'if (Test-NebulaGCDeployment ./deploy | Where-Object { -not $_.Passed }) { throw ''deployment files rejected'' }'
            Remarks = 'Passed is true for Passed and Skipped results.'
        }
    )
}
