using System.Text;
using NebulaGC.Daemon.Apply;
using NebulaGC.Daemon.Tests.Support;

namespace NebulaGC.Daemon.Tests;

public sealed class ConfigApplierTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly NebulaFixture nebula;
    private readonly ClusterPaths paths;
    private readonly ConfigApplier applier;

    public ConfigApplierTests()
    {
        nebula = new NebulaFixture(dir.Path);
        paths = new ClusterPaths(dir.Combine("etc", "prod"), dir.Combine("state"), "prod");
        applier = new ConfigApplier(paths, new NebulaConfigTester("/usr/bin/nebula", TimeSpan.FromSeconds(30)));
    }

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task A_good_bundle_is_staged_tested_and_switched_to_atomically()
    {
        var bundle = nebula.Bundle(4242);
        var staged = await applier.StageAsync(bundle, Bundles.Sha256(bundle), 7, CancellationToken.None);
        Assert.Null(applier.ActiveDirName());

        applier.Activate(staged.DirName);

        Assert.Equal(staged.DirName, applier.ActiveDirName());
        Assert.True(File.Exists(paths.CurrentConfigFile));
        Assert.StartsWith("v7-", staged.DirName);
        Assert.True(staged.HasOwnHostKey);
        Assert.Equal("versions/" + staged.DirName, new FileInfo(paths.CurrentLink).LinkTarget);
        Assert.Equal(BundleArchive.SecretFileMode, File.GetUnixFileMode(Path.Combine(paths.CurrentLink, "host.key")));
    }

    [Fact]
    public async Task A_config_that_fails_nebula_test_is_rejected_and_the_active_config_stays()
    {
        var good = nebula.Bundle(4242);
        var first = await applier.StageAsync(good, Bundles.Sha256(good), 1, CancellationToken.None);
        applier.Activate(first.DirName);

        var bad = nebula.Bundle(4242, configOverride: "pki:\n  ca: ca.crt\n  cert: host.crt\n  key: host.key\nlisten: [\n");
        var e = await Assert.ThrowsAsync<BundleRejectedException>(() => applier.StageAsync(bad, Bundles.Sha256(bad), 2, CancellationToken.None));

        Assert.Contains("'nebula -test' rejected the config (exit code 1)", e.Message);
        Assert.Equal(first.DirName, applier.ActiveDirName());
        Assert.Equal([first.DirName], Directory.GetDirectories(paths.VersionsDir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_certificate_that_does_not_match_the_key_fails_nebula_test()
    {
        var (otherCert, _) = nebula.Pki.SignHost("other", "10.42.0.9/24");
        var bundle = nebula.Bundle(4242, hostCert: otherCert);
        var e = await Assert.ThrowsAsync<BundleRejectedException>(() => applier.StageAsync(bundle, Bundles.Sha256(bundle), 1, CancellationToken.None));
        Assert.Contains("nebula -test", e.Message);
    }

    [Fact]
    public async Task A_wrong_sha256_is_rejected_before_anything_is_unpacked()
    {
        var bundle = nebula.Bundle(4242);
        var e = await Assert.ThrowsAsync<BundleRejectedException>(() => applier.StageAsync(bundle, new string('0', 64), 3, CancellationToken.None));
        Assert.StartsWith("bundle checksum mismatch: the server announced SHA-256 0000", e.Message);
        Assert.False(Directory.Exists(paths.VersionsDir) && Directory.EnumerateFileSystemEntries(paths.VersionsDir).Any());
    }

    [Fact]
    public async Task A_bundle_without_a_checksum_header_is_rejected()
    {
        var bundle = nebula.Bundle(4242);
        var e = await Assert.ThrowsAsync<BundleRejectedException>(() => applier.StageAsync(bundle, null, 3, CancellationToken.None));
        Assert.Contains("no X-Nebula-Config-SHA256", e.Message);
    }

    [Fact]
    public async Task Managed_pki_adds_the_nodes_own_key_which_never_came_from_the_server()
    {
        var key = NodeKeyStore.LoadOrCreate(paths);
        Assert.Equal(BundleArchive.SecretFileMode, File.GetUnixFileMode(paths.HostKey));
        var cert = nebula.Pki.SignPublicKey("managed", "10.42.0.5/24", paths.HostPublicKey);
        var bundle = nebula.Bundle(4242, includeKey: false, hostCert: cert);

        var staged = await applier.StageAsync(bundle, Bundles.Sha256(bundle), 1, CancellationToken.None);

        Assert.False(staged.HasOwnHostKey);
        string stagedKey = Path.Combine(paths.VersionDir(staged.DirName), "host.key");
        Assert.Equal(key.PrivateKeyPem(), File.ReadAllText(stagedKey));
        Assert.Equal(BundleArchive.SecretFileMode, File.GetUnixFileMode(stagedKey));
    }

    [Fact]
    public void The_node_key_is_generated_once_and_kept()
    {
        var first = NodeKeyStore.LoadOrCreate(paths);
        var second = NodeKeyStore.LoadOrCreate(paths);
        Assert.Equal(first.PublicKeyPem(), second.PublicKeyPem());
        Assert.Contains("NEBULA X25519 PUBLIC KEY", File.ReadAllText(paths.HostPublicKey));
    }

    [Fact]
    public async Task Rollback_is_a_switch_back_to_the_kept_previous_directory()
    {
        var v1 = nebula.Bundle(4242);
        var v2 = nebula.Bundle(4242, mtu: 1400);
        var first = await applier.StageAsync(v1, Bundles.Sha256(v1), 1, CancellationToken.None);
        applier.Activate(first.DirName);
        var second = await applier.StageAsync(v2, Bundles.Sha256(v2), 2, CancellationToken.None);
        applier.Activate(second.DirName);
        Assert.Contains("mtu: 1400", File.ReadAllText(paths.CurrentConfigFile));

        applier.Activate(first.DirName);
        applier.Prune(first.DirName);

        Assert.Contains("mtu: 1300", File.ReadAllText(paths.CurrentConfigFile));
        Assert.Equal([first.DirName], Directory.GetDirectories(paths.VersionsDir).Select(Path.GetFileName));
    }

    [Fact]
    public void Applied_state_survives_a_round_trip_through_its_file()
    {
        paths.EnsureDirectories();
        var state = AppliedState.Empty with { AppliedVersion = 4, AppliedDir = "v4-x", RejectedVersion = 5, RejectedReason = "bad" };
        state.Save(paths.StateFile);
        Assert.Equal(state, AppliedState.Load(paths.StateFile));
        Assert.Equal(5, AppliedState.Load(paths.StateFile).SeenVersion);
        Assert.Equal(BundleArchive.SecretFileMode, File.GetUnixFileMode(paths.StateFile));
        Assert.Empty(Directory.GetFiles(paths.ClusterStateDir, ".*tmp*"));
    }
}
