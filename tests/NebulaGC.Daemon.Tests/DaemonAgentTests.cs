using System.Diagnostics;
using System.Formats.Tar;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NebulaGC.Daemon.Tests.Support;

namespace NebulaGC.Daemon.Tests;

/// <summary>
/// The whole daemon engine against a scriptable control plane on 127.0.0.1 and a real, tun-less nebula:
/// the situations a real server cannot easily produce (tampered, truncated, malicious bundles; outages).
/// </summary>
public sealed class DaemonAgentTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly TempDirectory dir = new();
    private readonly NebulaFixture nebula;
    private FakeControlPlane server = null!;
    private DaemonHarness daemon = null!;

    public DaemonAgentTests()
    {
        nebula = new NebulaFixture(dir.Path);
    }

    public async Task InitializeAsync()
    {
        server = await FakeControlPlane.StartAsync();
        daemon = new DaemonHarness(dir.Path, [server.Url]);
    }

    public async Task DisposeAsync()
    {
        await daemon.DisposeAsync();
        await server.DisposeAsync();
        dir.Dispose();
    }

    private async Task<(int Pid, string ConfigDir)> StartWithVersion1Async()
    {
        server.Publish(1, nebula.Bundle(FreePort.Udp()));
        daemon.Start();
        await daemon.WaitForAsync(s => s.AppliedVersion == 1 && s.Nebula.State == "running");
        return daemon.Nebula() ?? throw new InvalidOperationException("no nebula");
    }

    [Fact]
    public async Task The_daemon_applies_the_published_bundle_and_runs_nebula_in_its_directory()
    {
        var (pid, configDir) = await StartWithVersion1Async();
        Assert.Equal(Path.Combine(daemon.Paths.VersionsDir, daemon.Status()!.Nebula.Pid == pid ? Path.GetFileName(configDir) : "?"), configDir);
        Assert.StartsWith("v1-", Path.GetFileName(configDir));
        Assert.Equal(1, server.CertificateRequests); // asked once; 404 means external PKI
        Assert.Contains("does not sign a certificate for this node", daemon.Log);
    }

    [Fact]
    public async Task Managed_pki_asks_for_a_certificate_once_and_not_again_after_a_daemon_restart()
    {
        server.CertificateStatus = HttpStatusCode.OK;
        await StartWithVersion1Async();
        Assert.Equal(1, server.CertificateRequests);
        Assert.Contains("NEBULA X25519 PUBLIC KEY", server.LastPublicKey);
        Assert.Equal(File.ReadAllText(daemon.Paths.HostPublicKey), server.LastPublicKey);

        await daemon.StopAsync();
        daemon.Start();
        await daemon.WaitForAsync(s => s.Nebula.Adopted && s.LastPollAt is not null);
        Assert.Equal(1, server.CertificateRequests); // re-signing would revoke the old cert and move every node's version
    }

    [Fact]
    public async Task An_mtu_change_published_during_the_long_poll_restarts_nebula_on_it()
    {
        var (oldPid, _) = await StartWithVersion1Async();
        await Wait.UntilAsync(() => server.WaitingPolls == 1, Patience, () => "the daemon is not waiting in a long-poll:\n" + daemon.Log);

        server.Publish(2, nebula.Bundle(FreePort.Udp(), mtu: 1400));
        await Wait.UntilAsync(() => daemon.Nebula() is { } n && n.Pid != oldPid && n.ConfigDir.Contains("/v2-"), TimeSpan.FromSeconds(15), () => daemon.Log);
        Assert.Contains("mtu: 1400", File.ReadAllText(Path.Combine(daemon.Nebula()!.Value.ConfigDir, "config.yml")));
        await daemon.WaitForAsync(s => s.AppliedVersion == 2);
    }

    [Fact]
    public async Task A_bundle_that_fails_nebula_test_leaves_the_old_config_and_nebula_untouched()
    {
        var before = await StartWithVersion1Async();
        server.Publish(2, nebula.Bundle(4242, configOverride: "pki:\n  ca: ca.crt\n  cert: host.crt\n  key: host.key\ntun: [oops\n"));

        await daemon.WaitForAsync(s => s.LastRejection?.Version == 2);
        var status = daemon.Status()!;
        Assert.Contains("'nebula -test' rejected the config", status.LastRejection!.Reason);
        Assert.False(status.LastRejection.RolledBack);
        Assert.Equal(1, status.AppliedVersion);
        Assert.Equal(before, daemon.Nebula());

        // The rejected version counts as seen: the daemon waits for what comes after it, without downloading it again.
        int downloads = server.BundleRequests;
        await Wait.UntilAsync(() => server.WaitingPolls == 1 && server.LastPolledVersion == 2, Patience,
            () => $"the daemon is not waiting for a version after 2 (last asked about {server.LastPolledVersion}):\n{daemon.Log}");
        Assert.Equal(downloads, server.BundleRequests);
    }

    [Fact]
    public async Task A_nebula_that_crashes_on_the_new_config_is_rolled_back_to_the_old_one()
    {
        var (oldPid, oldDir) = await StartWithVersion1Async();
        using var squatter = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        server.Publish(2, nebula.Bundle(((IPEndPoint)squatter.Client.LocalEndPoint!).Port));

        await daemon.WaitForAsync(s => s.LastRejection?.Version == 2 && s.Nebula.State == "running");
        var status = daemon.Status()!;
        Assert.True(status.LastRejection!.RolledBack);
        Assert.Contains("nebula exited with code 1", status.LastRejection.Reason);
        Assert.Contains("address already in use", status.LastRejection.Reason);
        Assert.Equal(1, status.AppliedVersion);
        var now = daemon.Nebula()!.Value;
        Assert.NotEqual(oldPid, now.Pid);
        Assert.Equal(oldDir, now.ConfigDir);
        Assert.Contains("rolled back to version 1", daemon.Log);
    }

    [Fact]
    public async Task A_nebula_that_exits_once_on_the_new_config_for_a_passing_reason_is_started_again_and_the_config_kept()
    {
        var (oldPid, oldDir) = await StartWithVersion1Async();
        var squatter = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        server.Publish(2, nebula.Bundle(((IPEndPoint)squatter.Client.LocalEndPoint!).Port));

        await Wait.UntilAsync(() => daemon.Log.Contains("starting it once more", StringComparison.Ordinal), Patience, () => daemon.Log);
        squatter.Dispose();

        await daemon.WaitForAsync(s => s.AppliedVersion == 2 && s.Nebula.State == "running");
        var status = daemon.Status()!;
        Assert.Null(status.LastRejection);
        var now = daemon.Nebula()!.Value;
        Assert.NotEqual(oldPid, now.Pid);
        Assert.NotEqual(oldDir, now.ConfigDir);
        Assert.DoesNotContain("rolled back", daemon.Log);
    }

    public static TheoryData<string> BadDownloads => new() { "wrong-sha256", "truncated", "dot-dot", "symlink" };

    [Theory]
    [MemberData(nameof(BadDownloads))]
    public async Task A_tampered_or_malicious_download_is_rejected_and_nothing_is_applied(string kind)
    {
        var before = await StartWithVersion1Async();
        var versionsBefore = Directory.GetDirectories(daemon.Paths.VersionsDir);
        var good = nebula.Bundle(FreePort.Udp(), mtu: 1400);
        switch (kind)
        {
            case "wrong-sha256":
                server.Publish(2, good, announcedSha256: Bundles.Sha256(Encoding.UTF8.GetBytes("something else")));
                break;
            case "truncated":
                server.Publish(2, good, truncateBody: true);
                break;
            case "dot-dot":
                server.Publish(2, Evil(w => w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "../../escaped") { DataStream = new MemoryStream([1]) })));
                break;
            case "symlink":
                server.Publish(2, Evil(w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "host.key") { LinkName = "/etc/shadow" })));
                break;
        }

        if (kind == "truncated")
        {
            // A cut connection is an instance failure: reported, retried, never applied.
            await daemon.WaitForAsync(s => s.LastError is not null);
        }
        else
        {
            await daemon.WaitForAsync(s => s.LastRejection?.Version == 2);
        }
        Assert.Equal(1, daemon.Status()!.AppliedVersion);
        Assert.Equal(before, daemon.Nebula());
        Assert.Equal(versionsBefore, Directory.GetDirectories(daemon.Paths.VersionsDir));
        Assert.False(File.Exists(dir.Combine("escaped")));
        Assert.False(File.Exists(Path.Combine(daemon.Paths.ConfigDir, "escaped")));
    }

    [Fact]
    public async Task A_control_plane_outage_leaves_nebula_running_and_a_second_url_takes_over_within_one_poll()
    {
        var backup = await FakeControlPlane.StartAsync();
        await using var _ = backup;
        await daemon.DisposeAsync();
        daemon = new DaemonHarness(dir.Path, [server.Url, backup.Url]);
        var before = await StartWithVersion1Async();
        backup.Publish(1, nebula.Bundle(FreePort.Udp()));

        await server.DisposeAsync();
        server = await FakeControlPlane.StartAsync(); // a fresh instance elsewhere; the configured URL is dead now

        await daemon.WaitForAsync(s => s.ControlPlaneUrl == backup.Url.ToString(), TimeSpan.FromSeconds(10));
        Assert.Equal(before, daemon.Nebula());

        backup.Publish(2, nebula.Bundle(FreePort.Udp(), mtu: 1400));
        await daemon.WaitForAsync(s => s.AppliedVersion == 2);
    }

    [Fact]
    public async Task With_the_only_control_plane_down_nebula_keeps_running_and_the_status_says_why()
    {
        var before = await StartWithVersion1Async();
        await server.DisposeAsync();
        server = await FakeControlPlane.StartAsync();

        await daemon.WaitForAsync(s => s.LastError is { } e && e.Contains("no control-plane instance answered"));
        await Task.Delay(1500); // time passes on purpose: several failed retries must leave nebula alone
        Assert.Equal(before, daemon.Nebula());
        Assert.Equal("running", daemon.Status()!.Nebula.State);
    }

    [Fact]
    public async Task Restarting_the_daemon_with_an_unchanged_version_does_not_restart_nebula()
    {
        var before = await StartWithVersion1Async();
        await daemon.StopAsync();
        Assert.Equal(before, daemon.Nebula());

        int waitsBefore = server.LongPollsStarted;
        daemon.Start();
        await daemon.WaitForAsync(s => s.Nebula.Adopted && s.LatestVersion == 1);
        // Once it waits for the next version, the daemon has decided what to do about version 1.
        await Wait.UntilAsync(() => server.LongPollsStarted > waitsBefore, Patience, () => "the restarted daemon is not waiting in a long-poll:\n" + daemon.Log);
        Assert.Equal(before, daemon.Nebula());
        Assert.Equal(before.Pid, daemon.Status()!.Nebula.Pid);
    }

    [Fact]
    public async Task A_new_version_with_an_identical_bundle_is_recorded_without_restarting_nebula()
    {
        var bundle = nebula.Bundle(FreePort.Udp());
        server.Publish(1, bundle);
        daemon.Start();
        await daemon.WaitForAsync(s => s.AppliedVersion == 1 && s.Nebula.State == "running");
        var before = daemon.Nebula();

        server.Publish(2, bundle);

        await daemon.WaitForAsync(s => s.AppliedVersion == 2);
        // The state file (which the status reads) is saved just before the log line is written.
        await Wait.UntilAsync(() => daemon.Log.Contains("carries the bundle already applied"), Patience, () => daemon.Log);
        Assert.Equal(before, daemon.Nebula());
    }

    [Fact]
    public async Task A_rate_limited_daemon_waits_as_long_as_retry_after_says()
    {
        await StartWithVersion1Async();
        server.RateLimitRetryAfterSeconds = 2;
        await daemon.WaitForAsync(s => s.LastError is { } e && e.Contains("429"));
        int polls = server.VersionRequests;
        await Task.Delay(1500); // time passes on purpose: what is measured is how few polls it makes
        Assert.InRange(server.VersionRequests - polls, 0, 1); // not every 200 ms
        Assert.Equal("running", daemon.Status()!.Nebula.State);
    }

    [Fact]
    public async Task A_server_without_long_poll_is_polled_at_the_poll_interval()
    {
        server.LongPoll = false;
        await StartWithVersion1Async();
        int polls = server.VersionRequests;
        await Task.Delay(2000); // time passes on purpose: what is measured is the poll rate
        int made = server.VersionRequests - polls;
        Assert.InRange(made, 5, 12); // 200 ms interval, not a busy loop
    }

    private byte[] Evil(Action<TarWriter> extra) => Bundles.Create(writer =>
    {
        var files = new Dictionary<string, byte[]>
        {
            ["config.yml"] = Encoding.UTF8.GetBytes(NebulaConfigs.Render(4242, tunDisabled: true)),
            ["ca.crt"] = nebula.Pki.CaCert,
            ["host.crt"] = nebula.HostCert,
        };
        foreach (var (name, content) in files)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
        }
        extra(writer);
    });
}
