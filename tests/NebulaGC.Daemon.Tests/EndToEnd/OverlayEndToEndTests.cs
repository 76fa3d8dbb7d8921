using System.Diagnostics;
using NebulaGC.Daemon.Tests.Support;

namespace NebulaGC.Daemon.Tests.EndToEnd;

/// <summary>
/// Real server, real daemons, real nebulas with tun devices in network namespaces made by the test (needs root).
/// Tests share one overlay and each starts by waiting until it is healthy, so their order does not matter.
/// </summary>
[Collection("overlay")]
public sealed class OverlayEndToEndTests(OverlayFixture overlay, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<OverlayFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private OverlayNode A => overlay.A;
    private OverlayNode B => overlay.B;

    private async Task HealthyAsync()
    {
        foreach (var node in new[] { A, B })
        {
            await Wait.UntilAsync(() => node.NebulaPid is not null && overlay.Status(node) is var s
                    && s.GetProperty("nebula").GetProperty("state").GetString() == "running"
                    && s.GetProperty("applying_version").ValueKind == System.Text.Json.JsonValueKind.Null
                    && s.GetProperty("applied_version").GetInt64() > 0,
                Patience, () => overlay.Diagnostics(node));
        }
        await Wait.UntilAsync(() => OverlayFixture.Ping(A, B) && OverlayFixture.Ping(B, A), Patience, () => overlay.Diagnostics(A) + overlay.Diagnostics(B));
    }

    [Fact]
    public async Task Two_daemons_apply_their_bundles_and_their_nebulas_ping_each_other_over_the_overlay()
    {
        await HealthyAsync();
        var status = overlay.Status(A);
        Assert.Contains(status.GetProperty("control_plane_url").GetString(), new[] { overlay.Master.Url.ToString(), overlay.Replica.Url.ToString() });
        var (_, ping, _) = NamespaceNetwork.Exec(A.Namespace, "ping", "-c", "3", "-i", "0.2", B.OverlayIp);
        Assert.Contains("3 received", ping);
    }

    [Fact]
    public async Task An_mtu_and_route_change_reaches_both_nebulas_and_the_delay_is_reported()
    {
        await HealthyAsync();
        int mtu = OverlayFixture.LinkMtu(A)!.Value + 10;
        var bundles = new[] { (A, overlay.Bundle(A, mtu, "10.99.1.0/24")), (B, overlay.Bundle(B, mtu, "10.99.2.0/24")) };
        var before = (A.NebulaPid, B.NebulaPid);

        await Task.WhenAll(bundles.Select(b => overlay.UploadAsync(b.Item1, b.Item2)));
        double uploaded = KernelClock.Now();
        await Wait.UntilAsync(() => OverlayFixture.LinkMtu(A) == mtu && OverlayFixture.LinkMtu(B) == mtu
                && OverlayFixture.HasRoute(A, "10.99.1.0/24") && OverlayFixture.HasRoute(B, "10.99.2.0/24"),
            TimeSpan.FromSeconds(10), () => overlay.Diagnostics(A) + overlay.Diagnostics(B));

        // The new nebulas (new pids) carry the change; their kernel start times say when it reached them.
        Assert.NotEqual(before, (A.NebulaPid, B.NebulaPid));
        double reachedA = KernelClock.ProcessStart(A.NebulaPid!.Value) - uploaded, reachedB = KernelClock.ProcessStart(B.NebulaPid!.Value) - uploaded;
        double reached = Math.Max(reachedA, reachedB);
        output.WriteLine($"node A {reachedA * 1000:0} ms, node B {reachedB * 1000:0} ms");
        output.WriteLine($"MTU {mtu} + route: both nebulas restarted on them {reached * 1000:0} ms after the uploads returned");
        await HealthyAsync();
    }

    [Fact]
    public async Task A_bundle_that_fails_nebula_test_leaves_nebula_running_on_the_old_config_and_the_status_says_why()
    {
        await HealthyAsync();
        int pid = A.NebulaPid!.Value;
        long applied = overlay.Status(A).GetProperty("applied_version").GetInt64();

        long bad = await overlay.UploadAsync(A, overlay.Bundle(A, 1300, edit: c => c.Replace("ca: ca.crt", "ca: missing-ca.crt")));

        await Wait.UntilAsync(() => overlay.Status(A).GetProperty("last_rejection") is { ValueKind: System.Text.Json.JsonValueKind.Object } r && r.GetProperty("version").GetInt64() == bad,
            Patience, () => overlay.Diagnostics(A));
        var status = overlay.Status(A);
        Assert.Contains("'nebula -test' rejected the config", status.GetProperty("last_rejection").GetProperty("reason").GetString());
        Assert.Equal(applied, status.GetProperty("applied_version").GetInt64());
        Assert.Equal(pid, A.NebulaPid);
        Assert.True(OverlayFixture.Ping(A, B));
    }

    [Fact]
    public async Task A_nebula_that_crashes_on_a_new_config_goes_back_to_the_old_one_and_the_status_says_why()
    {
        await HealthyAsync();
        long applied = overlay.Status(A).GetProperty("applied_version").GetInt64();
        int mtu = OverlayFixture.LinkMtu(A)!.Value;

        // Passes `nebula -test` (which binds nothing) but nebula cannot listen on an address of another namespace.
        long bad = await overlay.UploadAsync(A, overlay.Bundle(A, mtu + 1, edit: c => c.Replace("host: 0.0.0.0", $"host: {B.Underlay}")));

        await Wait.UntilAsync(() => overlay.Status(A).GetProperty("last_rejection") is { ValueKind: System.Text.Json.JsonValueKind.Object } r && r.GetProperty("version").GetInt64() == bad,
            Patience, () => overlay.Diagnostics(A));
        var rejection = overlay.Status(A).GetProperty("last_rejection");
        Assert.True(rejection.GetProperty("rolled_back").GetBoolean());
        Assert.Contains("nebula exited", rejection.GetProperty("reason").GetString());
        Assert.Equal(applied, overlay.Status(A).GetProperty("applied_version").GetInt64());
        await HealthyAsync();
        Assert.Equal(mtu, OverlayFixture.LinkMtu(A));
    }

    [Fact]
    public async Task Restarting_the_daemon_with_an_unchanged_version_does_not_restart_nebula()
    {
        await HealthyAsync();
        int pid = A.NebulaPid!.Value;

        overlay.StopDaemon(A);
        Assert.True(OverlayFixture.Ping(A, B), "nebula keeps the overlay up while the daemon is stopped");
        overlay.StartDaemon(A);

        await Wait.UntilAsync(() => overlay.Status(A) is var s && s.GetProperty("nebula").GetProperty("adopted").GetBoolean()
                && s.GetProperty("last_poll_at").ValueKind == System.Text.Json.JsonValueKind.String,
            Patience, () => overlay.Diagnostics(A));
        await Task.Delay(1000); // time passes on purpose: a restart after the first poll would show here
        Assert.Equal(pid, A.NebulaPid);
        Assert.Equal(pid, overlay.Status(A).GetProperty("nebula").GetProperty("pid").GetInt32());
        Assert.True(OverlayFixture.Ping(A, B));
    }
}

/// <summary>
/// The outage test has an overlay of its own: afterwards the daemons keep reading from the replica (the last instance
/// that answered), whose long-poll learns of changes only through its database poller, which would skew the timing
/// tests that share <see cref="OverlayFixture"/>.
/// </summary>
[Collection("overlay")]
public sealed class ControlPlaneOutageEndToEndTests(OverlayFixture overlay, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<OverlayFixture>
{
    private OverlayNode A => overlay.A;
    private OverlayNode B => overlay.B;

    private async Task HealthyAsync()
    {
        foreach (var node in new[] { A, B })
        {
            await Wait.UntilAsync(() => node.NebulaPid is not null && overlay.Status(node) is var s
                    && s.GetProperty("nebula").GetProperty("state").GetString() == "running"
                    && s.GetProperty("applied_version").GetInt64() > 0,
                TimeSpan.FromSeconds(30), () => overlay.Diagnostics(node));
        }
        await Wait.UntilAsync(() => OverlayFixture.Ping(A, B) && OverlayFixture.Ping(B, A), TimeSpan.FromSeconds(30), () => overlay.Diagnostics(A) + overlay.Diagnostics(B));
    }

    [Fact]
    public async Task A_minute_without_the_master_leaves_nebula_untouched_and_the_daemon_reads_from_the_second_url_within_one_poll()
    {
        await HealthyAsync();
        var pids = (A.NebulaPid, B.NebulaPid);
        try
        {
            overlay.Master.Stop();
            var stopped = Stopwatch.StartNew();
            // The cut long-poll fails over at once; the status shows the replica when that first long-poll on it
            // returns, i.e. within one poll (poll_wait_seconds = 5 here).
            await Wait.UntilAsync(() => overlay.Status(A).GetProperty("control_plane_url").GetString() == overlay.Replica.Url.ToString()
                    && overlay.Status(A).GetProperty("last_poll_at").GetDateTimeOffset() > DateTimeOffset.UtcNow - stopped.Elapsed,
                TimeSpan.FromSeconds(10), () => overlay.Diagnostics(A));
            output.WriteLine($"status shows the replica {stopped.Elapsed.TotalMilliseconds:0} ms after the master stopped");

            while (stopped.Elapsed < TimeSpan.FromMinutes(1))
            {
                Assert.Equal(pids, (A.NebulaPid, B.NebulaPid));
                Assert.True(OverlayFixture.Ping(A, B), $"overlay down {stopped.Elapsed.TotalSeconds:0} s into the outage");
                await Task.Delay(5000);
            }
            Assert.True(overlay.Status(A).GetProperty("last_error").GetString() is null, $"{overlay.Status(A)}\n{overlay.Diagnostics(A)}\nreplica:\n{overlay.Replica.Output}");
        }
        finally
        {
            await overlay.Master.StartAsync();
        }
        Assert.Equal(pids, (A.NebulaPid, B.NebulaPid));
    }
}
