namespace NebulaGC.PowerShell.Rendering;

public enum SecretKind { HmacSecret, AdminToken }

/// <summary>A new random secret in the form a deployment consumes; every file is mode 0600.</summary>
public static class SecretRenderer
{
    public static IReadOnlyList<RenderedFile> Render(RenderContext ctx, SecretKind kind, SecretFormat format, bool overwrite)
    {
        var s = ctx.Settings;
        if (kind == SecretKind.AdminToken && format == SecretFormat.EnvFile)
        {
            // The server reads no admin-token variable (SPEC §5): an env file would name a variable nothing reads.
            throw new NebulaGCException(ErrorIds.SettingsInvalid, "an admin token has no environment variable: use -Format File, DockerSecret or K8sSecret", format);
        }
        var value = kind == SecretKind.HmacSecret ? SecretGenerator.NewHmacSecret() : SecretGenerator.NewToken();
        var baseName = kind == SecretKind.HmacSecret ? "hmac-secret" : "admin-token";
        var vars = new Dictionary<string, object?>
        {
            ["secret"] = value,
            ["secret_base64"] = SecretGenerator.Base64(value),
            ["variable"] = "NEBULAGC_HMAC_SECRET",
            ["secret_name"] = $"{s.Name}-{baseName}",
            ["key"] = baseName,
        };
        ctx.Reporter.Verbose($"generated a {kind} of {value.Length} characters ({(kind == SecretKind.HmacSecret ? 48 : 32)} random bytes)");
        var file = format switch
        {
            SecretFormat.EnvFile => ctx.Render("secret/env.scriban", $"{baseName}.env", "SecretEnvFile", RenderContext.ModeSecret, vars, createOnly: !overwrite),
            SecretFormat.K8sSecret => ctx.Render("secret/k8s-secret.yaml.scriban", $"{baseName}.secret.yaml", "K8sSecret", RenderContext.ModeSecret, vars, createOnly: !overwrite),
            // A plain file: NEBULAGC_HMAC_SECRET_FILE, or a Docker secret (secrets: {name: {file: ...}}).
            _ => ctx.Render("secret/value.scriban", baseName, format == SecretFormat.DockerSecret ? "DockerSecret" : "SecretFile", RenderContext.ModeSecret, vars, createOnly: !overwrite),
        };
        return [file];
    }
}
