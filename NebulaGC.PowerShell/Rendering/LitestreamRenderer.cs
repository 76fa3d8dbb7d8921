using YamlDotNet.RepresentationModel;

namespace NebulaGC.PowerShell.Rendering;

/// <summary>litestream.yml in the 0.3 or 0.5 dialect, checked against that dialect's key list before it is written.</summary>
public static class LitestreamRenderer
{
    /// <summary>Renders litestream.yml (and a litestream.env credential skeleton, 0600, created once) for <paramref name="dbPath"/>.</summary>
    public static IReadOnlyList<RenderedFile> Render(RenderContext ctx, string? dbPath = null, bool withEnvFile = true)
    {
        var s = ctx.Settings;
        Validate(s);
        var dialect = LitestreamDialects.For(s.LitestreamVersion);
        var vars = new Dictionary<string, object?>
        {
            ["db_path"] = dbPath ?? s.DbPath,
            ["replicas"] = s.Replicas,
            ["credential_names"] = CredentialNames(s.Replicas),
        };
        var config = ctx.Render($"litestream/litestream-{s.LitestreamDialect}.yml.scriban", "litestream.yml", "LitestreamConfig", variables: vars);
        dialect.Check(config.Content, "litestream.yml");
        ctx.Reporter.Verbose($"litestream.yml: every key is in the Litestream {s.LitestreamDialect} key list");
        var files = new List<RenderedFile> { config };
        if (withEnvFile && CredentialNames(s.Replicas).Count > 0)
        {
            files.Add(ctx.Render("litestream/litestream.env.scriban", "litestream.env", "SecretEnvFile", RenderContext.ModeSecret, vars, createOnly: true));
        }
        return files;
    }

    /// <summary>Environment variables holding the credentials the replicas need.</summary>
    public static IReadOnlyList<string> CredentialNames(IEnumerable<ReplicaSettings> replicas)
    {
        var names = new List<string>();
        if (replicas.Any(r => r.Type == ReplicaType.S3))
        {
            names.AddRange(["LITESTREAM_ACCESS_KEY_ID", "LITESTREAM_SECRET_ACCESS_KEY"]);
        }
        if (replicas.Any(r => r.Type == ReplicaType.ABS))
        {
            names.Add("LITESTREAM_AZURE_ACCOUNT_KEY");
        }
        if (replicas.Any(r => r.Type == ReplicaType.GCS))
        {
            names.Add("GOOGLE_APPLICATION_CREDENTIALS");
        }
        return names;
    }

    private static void Validate(DeploymentSettings s)
    {
        if (s.Replicas.Count == 0)
        {
            throw new NebulaGCException(ErrorIds.LitestreamReplicaIncomplete,
                "no Litestream replica: pass -Replica (S3, GCS, ABS, SFTP, File) with -Bucket/-ReplicaPath, or Replicas in the values file", "Replicas");
        }
        if (s.LitestreamVersion == LitestreamVersion.V0_5 && s.Replicas.Count > 1)
        {
            throw new NebulaGCException(ErrorIds.LitestreamTooManyReplicas,
                $"Litestream 0.5 takes exactly one replica per database, {s.Replicas.Count} were given; use -LitestreamVersion 0.3 for several", "Replicas");
        }
        foreach (var r in s.Replicas)
        {
            var missing = r.Type switch
            {
                ReplicaType.S3 or ReplicaType.GCS when r.Bucket == "" => "Bucket",
                ReplicaType.ABS when r.Bucket == "" => "Bucket (the container)",
                ReplicaType.ABS when r.AccountName == "" => "AccountName",
                ReplicaType.SFTP when r.Host == "" => "Host",
                ReplicaType.SFTP when r.User == "" => "User",
                ReplicaType.File or ReplicaType.SFTP when r.Path == "" => "Path",
                _ => null,
            };
            if (missing is not null)
            {
                throw new NebulaGCException(ErrorIds.LitestreamReplicaIncomplete, $"{r.Type} replica '{r.EffectiveName}' needs {missing}", r.EffectiveName);
            }
        }
        var duplicate = s.Replicas.GroupBy(r => r.EffectiveName).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new NebulaGCException(ErrorIds.LitestreamReplicaIncomplete, $"two replicas are named '{duplicate.Key}': give each a Name", duplicate.Key);
        }
    }
}

/// <summary>
/// The keys each Litestream dialect understands (FACTS.md; Litestream's own config structs). 0.5 silently ignores
/// unknown keys, so a key it does not know is a replica that never gets its setting: we refuse to write it.
/// </summary>
public sealed class LitestreamDialects
{
    private static readonly string[] ReplicaKeys03 =
    [
        "type", "name", "path", "url", "bucket", "endpoint", "region", "force-path-style", "skip-verify", "access-key-id",
        "secret-access-key", "account-name", "account-key", "host", "user", "password", "key-path", "sync-interval",
        "retention", "retention-check-interval", "snapshot-interval", "validation-interval",
    ];

    private static readonly string[] ReplicaKeys05 =
    [
        "type", "name", "path", "url", "bucket", "endpoint", "region", "force-path-style", "skip-verify", "access-key-id",
        "secret-access-key", "account-name", "account-key", "host", "user", "password", "key-path", "sync-interval",
    ];

    public static readonly LitestreamDialects V03 = new(
        "0.3",
        ["addr", "exec", "access-key-id", "secret-access-key", "dbs", "dbs[].path", "dbs[].monitor-interval", "dbs[].checkpoint-interval", "dbs[].replicas",
            .. ReplicaKeys03.Select(k => "dbs[].replicas[]." + k)],
        ["s3", "gcs", "abs", "file", "sftp"]);

    public static readonly LitestreamDialects V05 = new(
        "0.5",
        ["addr", "exec", "access-key-id", "secret-access-key", "snapshot", "snapshot.interval", "snapshot.retention", "dbs", "dbs[].path",
            "dbs[].monitor-interval", "dbs[].checkpoint-interval", "dbs[].replica", .. ReplicaKeys05.Select(k => "dbs[].replica." + k)],
        ["s3", "gs", "abs", "file", "sftp"]);

    private LitestreamDialects(string name, string[] keys, string[] types)
    {
        Name = name;
        Keys = keys.ToHashSet(StringComparer.Ordinal);
        Types = types;
    }

    public string Name { get; }

    public IReadOnlySet<string> Keys { get; }

    public IReadOnlyList<string> Types { get; }

    public static LitestreamDialects For(LitestreamVersion version) => version == LitestreamVersion.V0_5 ? V05 : V03;

    /// <summary>Throws <see cref="ErrorIds.LitestreamUnknownKey"/> on any key or replica type this dialect does not have.</summary>
    public void Check(string yaml, string what)
    {
        foreach (var document in YamlCheck.Parse(yaml, what))
        {
            foreach (var (path, node) in YamlCheck.KeyPaths(document.RootNode))
            {
                if (Name == "0.5" && path == "dbs[].replicas")
                {
                    throw new NebulaGCException(ErrorIds.LitestreamUnknownKey, $"{what}: Litestream 0.5 takes one 'replica' map per database, not a 'replicas' list", path);
                }
                if (!Keys.Contains(path))
                {
                    throw new NebulaGCException(ErrorIds.LitestreamUnknownKey, $"{what}: '{path}' is not a Litestream {Name} key", path);
                }
                if (path.EndsWith(".type", StringComparison.Ordinal) && node is YamlScalarNode scalar && !Types.Contains(scalar.Value))
                {
                    throw new NebulaGCException(ErrorIds.LitestreamUnknownKey,
                        $"{what}: replica type '{scalar.Value}' does not exist in Litestream {Name} (types: {string.Join(", ", Types)})", path);
                }
            }
        }
    }
}
