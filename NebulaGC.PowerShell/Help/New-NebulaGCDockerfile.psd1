@{
    Synopsis    = 'Renders a multi-stage Native AOT Dockerfile for nebulagc-server or the nebulagc daemon.'
    Description = @'
The build stage publishes the executable with Native AOT for linux-musl-x64; the runtime stage is mcr.microsoft.com/dotnet/runtime-deps:10.0-alpine with nebula from Alpine. The server image runs as the non-root app user (UID 1654), listens on 0.0.0.0:<Port> and has a HEALTHCHECK on /v1/healthz. The daemon image runs as root because nebula creates a tun device; give its container NET_ADMIN and a tun device only (New-NebulaGCComposeFile, New-NebulaGCK8sManifest do).

Build from the repository root: docker build -f Dockerfile.server -t nebulagc/nebulagc-server .
'@
    Parameters  = @{
        Component = 'Server or Daemon.'
    }
    Examples    = @(
        @{
            Title   = 'Server image'
            Code    = 'New-NebulaGCDockerfile -Component Server -Path .'
            Remarks = 'Writes ./Dockerfile.server.'
        }
    )
}
