@{
    Synopsis    = 'Runs the real validators over a directory of rendered NebulaGC deployment files and reports per file.'
    Description = @'
For each file the tool that consumes it judges it: *.service with systemd-analyze verify (any warning fails) and systemd-analyze security --offline=true (the exposure score; at most ServerMaxExposure for *-server.service and DaemonMaxExposure for *-daemon.service), kustomization.yaml with kubectl kustomize, haproxy.cfg with haproxy -c, nginx.conf with nginx -t, *.rules.yml with promtool check rules, *.rules.test.yml with promtool test rules, docker-compose.yml with docker-compose config, litestream.yml and litefs.yml against their key lists, other YAML and JSON by parsing, env files by the variable names nebulagc-server reads. Secret files (secrets/*, *.secret.env, litestream.env, ...) must be mode 0600.

Kubernetes manifests (*.yaml with apiVersion) are also loaded strictly against the embedded Kubernetes models (KubernetesClient, offline: an unknown field, a bad quantity or a container without an image fails), and every workload is checked against the Pod Security level its namespace enforces (pod-security.kubernetes.io/enforce in the rendered namespace.yaml; restricted when the namespace is not rendered there). systemd-analyze verify runs against a temporary root holding the machine's unit files, the rendered units and an executable stand-in at every Exec path, so it works on a CI machine without nebulagc, litestream or litefs installed.

A validator that is not installed yields Skipped (with a warning), never Passed.

As a CI gate: when any check fails, a DeploymentCheckFailed error is written after the results. In a step such as pwsh -NonInteractive -c "Import-Module NebulaGC; Test-NebulaGCDeployment -Path deploy" that makes pwsh exit 1; with -ErrorAction Stop (or GitHub Actions' pwsh shell, which sets $ErrorActionPreference = 'Stop') it is a terminating error.
'@
    Outputs     = 'NebulaGC.PowerShell.Validation.ValidationResult objects (Path, Validator, Status Passed/Failed/Skipped, Detail, Score); with -OutputFormat Json or JUnit one string.'
    Parameters  = @{
        Path              = 'The directory (searched recursively) or one file to validate; also from the pipeline (Path or FullName of render output).'
        ServerMaxExposure = 'Highest systemd-analyze security exposure accepted for *-server.service. Default: 1.5.'
        DaemonMaxExposure = 'Highest exposure accepted for *-daemon.service. Default: 2.0.'
        OutputFormat      = 'Object (default: one ValidationResult per check), Json (an array of {path, validator, status, detail, score}) or JUnit (XML for GitLab/GitHub test reports: one testsuite per validator, one testcase per file).'
        ReportPath        = 'Also write the Json or JUnit report to this file, before the failure error is raised, so a CI step keeps the report.'
    }
    Examples    = @(
        @{
            Title   = 'Render, then validate, in CI'
            Code    = 'New-NebulaGCK8sManifest -Topology Litestream -Replica S3 -Bucket b -Path ./k8s; Test-NebulaGCDeployment ./k8s'
            Remarks = 'One row per check with its detail; a failed check also raises DeploymentCheckFailed.'
        }
        @{
            Title   = 'A CI step with a JUnit report'
            Code    = 'New-NebulaGCMonitoring -Path ./deploy; Test-NebulaGCDeployment -Path ./deploy -OutputFormat JUnit -ReportPath ./junit.xml -ErrorAction Stop'
            Remarks = 'Writes junit.xml for the CI test report and stops the step (exit 1) when any check failed.'
        }
    )
}
