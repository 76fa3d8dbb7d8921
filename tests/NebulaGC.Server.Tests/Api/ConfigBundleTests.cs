using System.Formats.Tar;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using NebulaGC.Client.Contracts;
using NebulaGC.Server.Data;
using NebulaGC.Server.Data.Stores;
using NebulaGC.Server.Tests.Infrastructure;

namespace NebulaGC.Server.Tests.Api;

public sealed class ConfigBundleTests : ServerTestBase
{
    private static ContractsJsonContext Json => ContractsJsonContext.Default;

    private Task<HttpResponseMessage> UploadAsync(byte[] bundle, Credentials? as_ = null)
    {
        var content = new ByteArrayContent(bundle);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        // Like curl for large bodies: wait for the server's go-ahead, so an early 413 is read instead of a reset connection.
        return Server.SendAsync(HttpMethod.Post, "/v1/config/bundle", as_ ?? Admin, content, r => r.Headers.ExpectContinue = true);
    }

    private int StoredBundles() => Server.Service<Database>().Read(c => BundleStore.Count(c, Admin.ClusterId));

    [Fact]
    public async Task Upload_stores_the_bundle_as_the_next_version_and_nodes_download_it_verbatim()
    {
        var bundle = BundleFactory.Valid();
        var before = ClusterVersion();
        using var upload = await UploadAsync(bundle);
        var uploaded = await upload.ReadAsync(Json.BundleUploadResponse);
        Assert.Equal(before + 1, uploaded.Version);

        var node = await Server.CreateNodeAsync(Admin, "worker");
        using var download = await Server.GetAsync("/v1/config/bundle", node);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/gzip", download.Content.Headers.ContentType!.MediaType);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(bundle, bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bundle)), download.Headers.GetValues(NebulaHeaders.ConfigSha256).Single());
        Assert.Equal(ClusterVersion().ToString(), download.Headers.GetValues(NebulaHeaders.ConfigVersion).Single());
        Assert.NotNull(download.Headers.ETag);
    }

    [Fact]
    public async Task Download_with_the_current_version_is_304_and_an_older_one_gets_the_bundle()
    {
        using (await UploadAsync(BundleFactory.Valid()))
        {
        }
        var current = ClusterVersion();
        using var notModified = await Server.GetAsync($"/v1/config/bundle?current_version={current}", Admin);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(current.ToString(), notModified.Headers.GetValues(NebulaHeaders.ConfigVersion).Single());
        using var stale = await Server.GetAsync($"/v1/config/bundle?current_version={current - 1}", Admin);
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
    }

    [Fact]
    public async Task Download_before_any_upload_is_404()
    {
        using var response = await Server.GetAsync("/v1/config/bundle", Admin);
        await response.AssertErrorAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Upload_by_a_non_admin_node_is_403_and_stores_nothing()
    {
        var node = await Server.CreateNodeAsync(Admin, "plain");
        using var response = await UploadAsync(BundleFactory.Valid(), node);
        await response.AssertErrorAsync(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        Assert.Equal(0, StoredBundles());
    }

    public static TheoryData<string, HttpStatusCode, string> MalformedBundles() => new()
    {
        { "not-gzip", HttpStatusCode.BadRequest, "not gzip" },
        { "gzip-not-tar", HttpStatusCode.BadRequest, "not a valid tar archive" },
        { "empty", HttpStatusCode.BadRequest, "not gzip" },
        { "missing-host-key", HttpStatusCode.BadRequest, "missing required file(s): host.key" },
        { "missing-config", HttpStatusCode.BadRequest, "missing required file(s): config.yml" },
        { "invalid-yaml", HttpStatusCode.BadRequest, "config.yml is not valid YAML" },
        { "yaml-scalar", HttpStatusCode.BadRequest, "top level is a mapping" },
        { "invalid-lighthouses-json", HttpStatusCode.BadRequest, "lighthouses.json is not valid JSON" },
        { "directory-entry", HttpStatusCode.BadRequest, "is a directory" },
        { "symlink", HttpStatusCode.BadRequest, "is a symbolic link" },
        { "hardlink", HttpStatusCode.BadRequest, "is a hard link" },
        { "device", HttpStatusCode.BadRequest, "is a device" },
        { "fifo", HttpStatusCode.BadRequest, "is a FIFO" },
        { "nested-path", HttpStatusCode.BadRequest, "not in the archive root" },
        { "dot-dot-path", HttpStatusCode.BadRequest, "not in the archive root" },
        { "absolute-path", HttpStatusCode.BadRequest, "not in the archive root" },
        { "unknown-file", HttpStatusCode.BadRequest, "is not a bundle file" },
        { "duplicate-file", HttpStatusCode.BadRequest, "holds 'config.yml' twice" },
        { "gzip-bomb", HttpStatusCode.BadRequest, "more than 67108864 bytes" },
        { "over-10-mib", HttpStatusCode.RequestEntityTooLarge, "limit is 10485760 bytes" },
    };

    [Theory]
    [MemberData(nameof(MalformedBundles))]
    public async Task Malformed_bundle_is_rejected_with_its_reason_and_nothing_is_stored(string kind, HttpStatusCode status, string reason)
    {
        var before = ClusterVersion();
        using var response = await UploadAsync(Malformed(kind));
        var message = await response.AssertErrorAsync(status, status == HttpStatusCode.BadRequest ? ErrorCodes.BadRequest : ErrorCodes.PayloadTooLarge);
        Assert.Contains(reason, message);
        Assert.Equal(before, ClusterVersion());
        Assert.Equal(0, StoredBundles());
    }

    [Fact]
    public async Task Two_concurrent_uploads_get_distinct_consecutive_versions()
    {
        var before = ClusterVersion();
        var uploads = await Task.WhenAll(UploadAsync(BundleFactory.Valid()), UploadAsync(BundleFactory.Valid()));
        var versions = new List<long>();
        foreach (var upload in uploads)
        {
            versions.Add((await upload.ReadAsync(Json.BundleUploadResponse)).Version);
            upload.Dispose();
        }
        Assert.Equal([before + 1, before + 2], versions.Order());
        Assert.Equal(2, StoredBundles());
    }

    [Fact]
    public async Task Upload_to_a_managed_pki_cluster_is_409()
    {
        var tenant = Server.Service<NebulaGC.Server.Services.TenantService>().Create("managed-tenant");
        var cluster = Server.Service<NebulaGC.Server.Services.ClusterService>().Create(new CreateClusterRequest(tenant.TenantId, "m", null, "managed", false, null));
        var admin = Server.Service<NebulaGC.Server.Services.NodeService>().Create(new AdminCreateNodeRequest(tenant.TenantId, cluster.ClusterId, "a", true, null, null, null));
        var credentials = new Credentials(tenant.TenantId, cluster.ClusterId, admin.NodeId, admin.NodeToken, cluster.ClusterToken);
        using var response = await UploadAsync(BundleFactory.Valid(), credentials);
        Assert.Contains("managed PKI", await response.AssertErrorAsync(HttpStatusCode.Conflict, ErrorCodes.Conflict));
    }

    [Fact]
    public async Task Eleventh_upload_in_a_minute_is_429_and_the_limit_refills()
    {
        var small = BundleFactory.Valid();
        for (var i = 0; i < 10; i++)
        {
            using var ok = await UploadAsync(small);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using var limited = await UploadAsync(small);
        await limited.AssertErrorAsync(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimitExceeded);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) >= 1);
        Server.Time.Advance(TimeSpan.FromSeconds(6));
        using var again = await UploadAsync(small);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    private static byte[] Malformed(string kind) => kind switch
    {
        "not-gzip" => "this is plain text, not a tarball"u8.ToArray(),
        "gzip-not-tar" => BundleFactory.Gzip("just some gzip'd text that is no tar at all, long enough to be read as a header block"u8.ToArray()),
        "empty" => [],
        "missing-host-key" => BundleFactory.ValidWith([], "host.key"),
        "missing-config" => BundleFactory.ValidWith([], "config.yml"),
        "invalid-yaml" => BundleFactory.ValidWith([BundleFactory.RegularFile("config.yml", "pki: [unclosed\n  ca: {")], "config.yml"),
        "yaml-scalar" => BundleFactory.ValidWith([BundleFactory.RegularFile("config.yml", "just a string\n")], "config.yml"),
        "invalid-lighthouses-json" => BundleFactory.ValidWith([BundleFactory.RegularFile("lighthouses.json", "{not json")]),
        "directory-entry" => BundleFactory.ValidWith([new PaxTarEntry(TarEntryType.Directory, "conf")]),
        "symlink" => BundleFactory.ValidWith([new PaxTarEntry(TarEntryType.SymbolicLink, "crl.pem") { LinkName = "/etc/shadow" }]),
        "hardlink" => BundleFactory.ValidWith([new PaxTarEntry(TarEntryType.HardLink, "crl.pem") { LinkName = "config.yml" }]),
        "device" => BundleFactory.ValidWith([new PaxTarEntry(TarEntryType.CharacterDevice, "crl.pem") { DeviceMajor = 1, DeviceMinor = 3 }]),
        "fifo" => BundleFactory.ValidWith([new PaxTarEntry(TarEntryType.Fifo, "crl.pem")]),
        "nested-path" => BundleFactory.ValidWith([BundleFactory.RegularFile("sub/config.yml", BundleFactory.ValidConfig)], "config.yml"),
        "dot-dot-path" => BundleFactory.ValidWith([BundleFactory.RegularFile("../config.yml", BundleFactory.ValidConfig)], "config.yml"),
        "absolute-path" => BundleFactory.ValidWith([BundleFactory.RegularFile("/etc/nebula/config.yml", BundleFactory.ValidConfig)], "config.yml"),
        "unknown-file" => BundleFactory.ValidWith([BundleFactory.RegularFile("run.sh", "#!/bin/sh\n")]),
        "duplicate-file" => BundleFactory.ValidWith([BundleFactory.RegularFile("config.yml", BundleFactory.ValidConfig)]),
        "gzip-bomb" => BundleFactory.ValidWith([BundleFactory.RegularFile("crl.pem", new byte[65 * 1024 * 1024])]),
        "over-10-mib" => RandomNumberGenerator.GetBytes(10 * 1024 * 1024 + 1),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
