@{
    Synopsis    = 'Generates a cryptographically random HMAC secret or admin token as an env file, a file, a Docker secret or a Kubernetes Secret.'
    Description = @'
The HMAC secret (48 random bytes, base64url) is the key every NebulaGC token is stored under (NEBULAGC_HMAC_SECRET or, from a file, NEBULAGC_HMAC_SECRET_FILE). The admin token is 32 random bytes, base64url (43 characters), the token format of NebulaGC.

Every file is written with mode 0600. An existing secret file is kept unless -Force is given, so running the command again changes nothing; -Force rotates the secret (rotating the HMAC secret invalidates every token stored under the old one). Without -Path the secret is emitted as an object and nothing is written.
'@
    Parameters  = @{
        Kind      = 'HmacSecret (default) or AdminToken.'
        Format    = 'EnvFile (NEBULAGC_HMAC_SECRET=..., default), File (the bare value, for NEBULAGC_HMAC_SECRET_FILE), DockerSecret (the bare value, for a compose secrets: file: entry) or K8sSecret (a Secret manifest).'
        Namespace = 'Namespace of the Kubernetes Secret. Default: nebulagc.'
        Force     = 'Replace an existing secret file (rotation).'
    }
    Examples    = @(
        @{
            Title   = 'An env file for the systemd unit'
            Code    = 'New-NebulaGCSecret -Path ./nebulagc -Format EnvFile'
            Remarks = 'Writes ./nebulagc/hmac-secret.env (0600) with NEBULAGC_HMAC_SECRET; a second run keeps it.'
        }
        @{
            Title   = 'A Kubernetes Secret'
            Code    = 'New-NebulaGCSecret -Format K8sSecret -Namespace nebulagc -Path ./deploy/secrets'
            Remarks = 'Writes hmac-secret.secret.yaml (0600); encrypt it before committing.'
        }
    )
}
