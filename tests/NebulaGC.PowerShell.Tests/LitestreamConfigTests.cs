using NebulaGC.PowerShell.Rendering;
using YamlDotNet.RepresentationModel;

namespace NebulaGC.PowerShell.Tests;

public sealed class LitestreamConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DeploymentSettings With(LitestreamVersion version, params ReplicaSettings[] replicas) =>
        new() { LitestreamVersion = version, Replicas = [.. replicas] };

    private static YamlMappingNode Root(string yaml) => (YamlMappingNode)YamlCheck.Parse(yaml, "test")[0].RootNode;

    [Fact]
    public void Dialect_0_5_renders_one_replica_map_with_type_gs_and_global_snapshot_settings()
    {
        var file = LitestreamRenderer.Render(Toolkit.Context(With(LitestreamVersion.V0_5, new ReplicaSettings { Type = ReplicaType.GCS, Bucket = "b" })))[0];
        var root = Root(file.Content);
        var db = (YamlMappingNode)((YamlSequenceNode)root["dbs"])[0];
        Assert.False(db.Children.ContainsKey("replicas"));
        var replica = (YamlMappingNode)db["replica"];
        Assert.Equal("gs", replica["type"].ToString());
        Assert.False(replica.Children.ContainsKey("retention"));
        Assert.False(replica.Children.ContainsKey("snapshot-interval"));
        Assert.Equal("72h", ((YamlMappingNode)root["snapshot"])["retention"].ToString());
    }

    [Fact]
    public void Dialect_0_3_renders_a_replicas_list_with_type_gcs()
    {
        var file = LitestreamRenderer.Render(Toolkit.Context(With(LitestreamVersion.V0_3,
            new ReplicaSettings { Type = ReplicaType.GCS, Bucket = "b" }, new ReplicaSettings { Type = ReplicaType.File, Path = "/backup" })))[0];
        var db = (YamlMappingNode)((YamlSequenceNode)Root(file.Content)["dbs"])[0];
        var replicas = (YamlSequenceNode)db["replicas"];
        Assert.Equal(2, replicas.Children.Count);
        Assert.Equal("gcs", ((YamlMappingNode)replicas[0])["type"].ToString());
    }

    [Fact]
    public void Dialect_0_5_refuses_more_than_one_replica()
    {
        var e = Assert.Throws<NebulaGCException>(() => LitestreamRenderer.Render(Toolkit.Context(With(LitestreamVersion.V0_5,
            new ReplicaSettings { Type = ReplicaType.S3, Bucket = "a" }, new ReplicaSettings { Type = ReplicaType.File, Path = "/b" }))));
        Assert.Equal(ErrorIds.LitestreamTooManyReplicas, e.Id);
    }

    [Theory]
    [InlineData("dbs:\n  - path: /x\n    replica:\n      type: s3\n      bucket: b\n      retention: 24h\n", "dbs[].replica.retention")]
    [InlineData("dbs:\n  - path: /x\n    replica:\n      type: gcs\n      bucket: b\n", "dbs[].replica.type")]
    [InlineData("dbs:\n  - path: /x\n    replicas:\n      - type: s3\n        bucket: a\n      - type: file\n        path: /b\n", "dbs[].replicas")]
    public void Dialect_0_5_key_list_rejects_keys_and_types_it_does_not_have(string yaml, string offending)
    {
        var e = Assert.Throws<NebulaGCException>(() => LitestreamDialects.V05.Check(yaml, "litestream.yml"));
        Assert.Equal(ErrorIds.LitestreamUnknownKey, e.Id);
        Assert.Equal(offending, e.Target);
    }

    [Fact]
    public void Dialect_0_3_key_list_rejects_a_misspelt_key()
    {
        var e = Assert.Throws<NebulaGCException>(() => LitestreamDialects.V03.Check("dbs:\n  - path: /x\n    replicas:\n      - type: s3\n        bucket: b\n        sync_interval: 1s\n", "t"));
        Assert.Equal("dbs[].replicas[].sync_interval", e.Target);
    }

    [Fact]
    public void An_overriding_template_with_a_key_the_dialect_lacks_is_refused_before_anything_is_written()
    {
        Directory.CreateDirectory(_dir.Combine("tpl", "litestream"));
        File.WriteAllText(_dir.Combine("tpl", "litestream", "litestream-0.5.yml.scriban"),
            "dbs:\n  - path: {{ q db_path }}\n    replica:\n      type: s3\n      bucket: b\n      snapshot-interval: 1h\n");
        var ctx = Toolkit.Context(With(LitestreamVersion.V0_5, new ReplicaSettings { Type = ReplicaType.S3, Bucket = "b" }), _dir.Combine("tpl"));
        var e = Assert.Throws<NebulaGCException>(() => LitestreamRenderer.Render(ctx));
        Assert.Equal(ErrorIds.LitestreamUnknownKey, e.Id);
    }

    [Fact]
    public void Credentials_are_env_references_only_and_the_env_skeleton_is_0600()
    {
        var files = Toolkit.WriteTo(_dir.Path, LitestreamRenderer.Render(Toolkit.Context(With(LitestreamVersion.V0_3,
            new ReplicaSettings { Type = ReplicaType.S3, Bucket = "b" }, new ReplicaSettings { Type = ReplicaType.ABS, Bucket = "c", AccountName = "acct" }))));
        var yaml = files.Single(f => f.Kind == "LitestreamConfig").Content;
        Assert.DoesNotContain("access-key-id", yaml);
        Assert.DoesNotContain("secret-access-key", yaml);
        Assert.DoesNotContain("account-key", yaml);
        var env = files.Single(f => f.RelativePath == "litestream.env");
        Assert.Equal((UnixFileMode)Convert.ToInt32("600", 8), File.GetUnixFileMode(env.Path));
        Assert.Equal(["LITESTREAM_ACCESS_KEY_ID=", "LITESTREAM_SECRET_ACCESS_KEY=", "LITESTREAM_AZURE_ACCOUNT_KEY="],
            File.ReadAllLines(env.Path).Where(l => !l.StartsWith('#')).ToArray());
    }

    [Fact]
    public void A_replica_missing_its_bucket_is_an_error_naming_what_is_missing()
    {
        var e = Assert.Throws<NebulaGCException>(() => LitestreamRenderer.Render(Toolkit.Context(With(LitestreamVersion.V0_3, new ReplicaSettings { Type = ReplicaType.S3 }))));
        Assert.Equal(ErrorIds.LitestreamReplicaIncomplete, e.Id);
        Assert.Contains("Bucket", e.Message);
    }
}
