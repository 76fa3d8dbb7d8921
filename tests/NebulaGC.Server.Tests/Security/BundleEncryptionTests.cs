using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using NebulaGC.Server.Bundles;
using NebulaGC.Server.Data;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Domain;
using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Security;

/// <summary>
/// Issue 15 #2: uploaded external-PKI bundles hold every node's host.key, so the database stores them encrypted with a key
/// derived from the server secret, and a master encrypts the plaintext rows an earlier version left behind.
/// </summary>
public sealed class BundleEncryptionTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestServer _server = null!;
    private Credentials _admin = null!;

    private string DbPath => _dir.Combine("nebulagc.db");

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(DbPath);
        _admin = _server.Bootstrap("external");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task An_uploaded_bundle_is_stored_encrypted_and_downloaded_byte_identical()
    {
        var (bundle, hostKey) = BundleWithFreshKey();
        using (var upload = await UploadAsync(bundle))
        {
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        }

        var stored = StoredRow();
        Assert.True(stored.Encrypted);
        Assert.NotEqual(bundle, stored.Data);
        AssertNotInDatabaseFiles(bundle, hostKey);
        Assert.Equal(bundle, await DownloadAsync());
    }

    [Fact]
    public async Task A_bundle_an_earlier_version_stored_in_plaintext_is_served_and_encrypted_when_a_master_starts()
    {
        var (bundle, hostKey) = BundleWithFreshKey();
        _server.Service<Database>().Write((c, tx) =>
        {
            // What versions before encryption wrote: the upload as is, under the cluster's next version.
            var version = ClusterStore.BumpVersion(c, tx, _admin.ClusterId);
            c.Execute("""
                INSERT INTO config_bundles (cluster_id, version, data, sha256, size_bytes, uploaded_by_node_id, uploaded_at)
                VALUES ($cluster, $version, $data, $sha, $size, $by, '2026-01-01T00:00:00.000Z');
                """, tx, ("$cluster", _admin.ClusterId.ToDbId()), ("$version", version), ("$data", bundle),
                ("$sha", Convert.ToHexStringLower(SHA256.HashData(bundle))), ("$size", bundle.Length), ("$by", _admin.NodeId.ToDbId()));
            return version;
        });
        Assert.Equal(bundle, await DownloadAsync());
        await _server.DisposeAsync();
        Assert.Contains(Window(bundle), DatabaseFileWindows());

        _server = await TestServer.StartAsync(DbPath);
        Assert.True(StoredRow().Encrypted);
        AssertNotInDatabaseFiles(bundle, hostKey);
        Assert.Equal(bundle, await DownloadAsync());
        var logged = _server.Logs.Split('\n').Single(line => line.Contains("Encrypted {Count} uploaded bundle(s)", StringComparison.Ordinal));
        Assert.Contains("\"Count\":1", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Under_another_hmac_secret_a_stored_bundle_fails_to_decrypt_with_an_error_naming_the_secret()
    {
        using (await UploadAsync(BundleWithFreshKey().Bundle))
        {
        }
        var otherSecret = RandomNumberGenerator.GetBytes(32);
        var failure = Assert.Throws<StoredSecretUnavailable>(() =>
            _server.Service<Database>().Read(c => BundleStore.Latest(c, null, _admin.ClusterId, new BundleProtector(otherSecret))));
        Assert.Contains("NEBULAGC_HMAC_SECRET", failure.Message, StringComparison.Ordinal);
        Assert.Contains(_admin.ClusterId.ToString(), failure.Message, StringComparison.Ordinal);
    }

    /// <summary>A valid bundle whose host.key is random, so its bytes occur nowhere else.</summary>
    private static (byte[] Bundle, string HostKey) BundleWithFreshKey()
    {
        var files = BundleFactory.ValidFiles();
        var hostKey = $"-----BEGIN NEBULA X25519 PRIVATE KEY-----\n{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n-----END NEBULA X25519 PRIVATE KEY-----\n";
        files["host.key"] = hostKey;
        return (BundleFactory.Build(files.Select(f => BundleFactory.RegularFile(f.Key, f.Value))), hostKey);
    }

    private async Task<HttpResponseMessage> UploadAsync(byte[] bundle)
    {
        var content = new ByteArrayContent(bundle);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        return await _server.SendAsync(HttpMethod.Post, "/v1/config/bundle", _admin, content);
    }

    private async Task<byte[]> DownloadAsync()
    {
        using var response = await _server.GetAsync("/v1/config/bundle", _admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private (bool Encrypted, byte[] Data) StoredRow() => _server.Service<Database>().Read(c => c.Query(null,
        "SELECT encrypted, data FROM config_bundles WHERE cluster_id = $cluster ORDER BY version DESC LIMIT 1;",
        r => (r.GetInt64(0) == 1, (byte[])r.GetValue(1)), ("$cluster", _admin.ClusterId.ToDbId())).Single());

    /// <summary>
    /// Neither the uploaded bytes (any 32-byte window of them) nor the key's text (were the bundle ever stored unpacked) is
    /// in the database file or its WAL.
    /// </summary>
    private void AssertNotInDatabaseFiles(byte[] bundle, string hostKey)
    {
        var files = DatabaseFileWindows();
        for (var offset = 0; offset + 32 <= bundle.Length; offset += 32)
        {
            Assert.DoesNotContain(Convert.ToHexString(bundle, offset, 32), files);
        }
        Assert.DoesNotContain(Convert.ToHexString(System.Text.Encoding.ASCII.GetBytes(hostKey.Split('\n')[1])), files);
    }

    private static string Window(byte[] bundle) => Convert.ToHexString(bundle, bundle.Length / 2, 32);

    /// <summary>The raw bytes of the database file and its WAL, as hex (read while the server may hold them open).</summary>
    private string DatabaseFileWindows() => string.Concat(new[] { DbPath, DbPath + "-wal" }.Where(File.Exists).Select(path =>
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Convert.ToHexString(copy.ToArray()) + "|";
    }));
}
