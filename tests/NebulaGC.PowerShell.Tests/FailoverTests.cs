using System.Diagnostics;
using System.Net.Http.Json;
using NebulaGC.Client.Contracts;
using NebulaGC.PowerShell.Backup;
using NebulaGC.PowerShell.Failover;
using NebulaGC.PowerShell.Instances;
using Xunit.Abstractions;

namespace NebulaGC.PowerShell.Tests;

/// <summary>
/// Failover with real servers under a real write load: Litestream disaster recovery after kill -9 of the master (RTO and
/// RPO reported from the load generator's own log), and a shared database with three instances sampled for two masters.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output) : ResourceOwningTest
{
    [Theory]
    [InlineData("s3")]
    [InlineData("file")]
    public async Task Litestream_failover_after_kill_9_of_the_master_restores_and_promotes_the_standby_and_the_returning_old_master_stays_read_only(string replicaKind)
    {
        var litestream = Own(new LitestreamFixture(Dir, replicaKind)).StartStorage();
        var a = Own(new HaServer("cp-a", Dir.Combine("a", "nebulagc.db"), "master", Dir.Path));
        var b = Own(new HaServer("cp-b", Dir.Combine("b", "nebulagc.db"), "master", Dir.Path, "--peer-url", a.Url.ToString()));
        a.StartReady();
        var replicateA = litestream.Replicate(litestream.Config(a.DatabasePath, "a"));
        var configB = litestream.Config(b.DatabasePath, "b");
        var services = Own(new ServerProcessServices { ["nebulagc-server-b"] = b });
        services.Others["litestream-b"] = () => litestream.Replicate(configB);

        var load = Own(new WriteLoad(() => [a.AdminSocket, b.AdminSocket], writesPerSecond: 50));
        load.WaitFor(acks => acks.Count >= 200, TimeSpan.FromSeconds(60), "200 writes on the master");

        replicateA.Kill();
        a.Kill();
        var killedAt = Stopwatch.GetTimestamp();
        var reporter = new RecordingReporter();
        var engine = new FailoverEngine(reporter, TimeProvider.System, services,
            new DatabaseRestore(reporter, TimeProvider.System, services, litestream.Cli));
        var report = await engine.RunAsync(new FailoverRequest(FailoverMode.LitestreamRestore, new InstanceEndpoint(b.Url, b.AdminSocket),
            [new InstanceEndpoint(a.Url, a.AdminSocket)], b.DatabasePath, configB, "nebulagc-server-b", "litestream-b"), CancellationToken.None);
        var doneAt = Stopwatch.GetTimestamp();
        foreach (var step in report.Steps)
        {
            output.WriteLine($"{step.Number}. {step.Status} {step.Seconds:0.000}s {step.Action} [{step.Target}] {step.Detail}");
        }
        try
        {
            load.WaitFor(acks => acks.Any(x => x.Socket == b.AdminSocket && x.At > killedAt), TimeSpan.FromSeconds(30), "a write acknowledged by the new master");
        }
        catch (TimeoutException)
        {
            output.WriteLine("new master log:\n" + b.Log);
            throw;
        }
        load.Stop();
        Assert.True(report.Completed);
        Assert.All(report.Steps, s => Assert.NotEqual(FailoverStepStatus.Failed, s.Status));
        Assert.Equal("cp-b", report.NewMasterInstanceId);
        Assert.Equal("cp-a", report.OldMasterInstanceId);
        Assert.True(report.NewEpoch > report.OldEpoch, $"new epoch {report.NewEpoch} must exceed the restored {report.OldEpoch}");
        Assert.True(b.CheckMaster().Master);

        // RTO and RPO from the load generator's own log.
        var acks = load.Acks;
        var firstOnB = acks.Where(x => x.Socket == b.AdminSocket).Min(x => x.At);
        var onA = acks.Where(x => x.Socket == a.AdminSocket).ToList();
        using var restored = BackupRestoreTests.Open(b.DatabasePath);
        var present = BackupRestoreTests.Names(restored);
        var lost = onA.Where(x => !present.Contains(x.Name)).OrderBy(x => x.At).ToList();
        var rto = Stopwatch.GetElapsedTime(killedAt, firstOnB).TotalSeconds;
        var lostSpan = lost.Count == 0 ? 0 : Stopwatch.GetElapsedTime(lost[0].At, killedAt).TotalSeconds;
        output.WriteLine($"FIGURES replica={replicaKind}: RTO {rto:0.000} s (kill -> first write acknowledged by the new master); engine {Stopwatch.GetElapsedTime(killedAt, doneAt).TotalSeconds:0.000} s; " +
            $"RPO {lost.Count} of {onA.Count} acknowledged writes lost, the oldest acknowledged {lostSpan:0.000} s before the kill; report says {report.AcknowledgedWritesLost?.ToString() ?? "unknown"} lost");

        // Litestream keeps transactions whole and in order: what is lost is a suffix of the log, never a hole.
        if (lost.Count > 0)
        {
            Assert.All(onA.Where(x => x.At < lost[0].At), x => Assert.Contains(x.Name, present));
        }
        Assert.All(acks.Where(x => x.Socket == b.AdminSocket), x => Assert.Contains(x.Name, present));

        // The new primary replicates as a new generation beside the old master's.
        var generations = WaitForGenerations(litestream, configB, b.DatabasePath, 2);
        output.WriteLine($"generations in the replica: {generations}");

        // The old master comes back with its stale database and asks its peer: it must stay read-only.
        var returning = Own(new HaServer("cp-a", a.DatabasePath, "master", Dir.Combine("a"), "--peer-url", b.Url.ToString()));
        returning.StartReady();
        var check = returning.CheckMaster();
        Assert.False(check.Master, "the returning old master must not serve as master");
        using var admin = HaServer.AdminClient(returning.AdminSocket, TimeSpan.FromSeconds(5));
        using var write = await admin.PostAsJsonAsync("/admin/tenants", new CreateTenantRequest("after-return"), ContractsJsonContext.Default.CreateTenantRequest);
        Assert.False(write.IsSuccessStatusCode, "a write on the returning old master must be refused");
        Assert.True(b.CheckMaster().Master);
    }

    [Fact]
    public async Task Shared_database_failover_with_three_instances_under_load_never_shows_two_masters_and_the_restarted_old_master_stays_read_only()
    {
        var db = Dir.Combine("shared", "nebulagc.db");
        var a = Own(new HaServer("cp-a", db, "master", Dir.Path)).StartReady();
        var b = Own(new HaServer("cp-b", db, "replica", Dir.Path)).StartReady();
        var c = Own(new HaServer("cp-c", db, "replica", Dir.Path)).StartReady();
        var sampler = Own(new MasterSampler([a.Url, b.Url, c.Url]));
        var load = Own(new WriteLoad(() => [a.AdminSocket, b.AdminSocket, c.AdminSocket], writesPerSecond: 50));
        load.WaitFor(acks => acks.Count >= 100, TimeSpan.FromSeconds(60), "100 writes on the master");

        var reporter = new RecordingReporter();
        var services = new ServerProcessServices();
        var engine = new FailoverEngine(reporter, TimeProvider.System, services, new DatabaseRestore(reporter, TimeProvider.System, services, new LitestreamCli(Toolkit.LitestreamBinary)));
        var report = await engine.RunAsync(new FailoverRequest(FailoverMode.SharedDatabase, new InstanceEndpoint(b.Url, b.AdminSocket),
            [new InstanceEndpoint(a.Url, a.AdminSocket), new InstanceEndpoint(c.Url, c.AdminSocket)]), CancellationToken.None);
        foreach (var step in report.Steps)
        {
            output.WriteLine($"{step.Number}. {step.Status} {step.Seconds:0.000}s {step.Action} [{step.Target}] {step.Detail}");
        }
        Assert.True(report.Completed);
        Assert.Equal("cp-a", report.OldMasterInstanceId);
        Assert.Equal("cp-b", report.NewMasterInstanceId);
        Assert.True(report.NewEpoch > report.OldEpoch);
        Assert.Equal(0, report.AcknowledgedWritesLost);
        var afterFailover = load.Acks.Count;
        load.WaitFor(acks => acks.Count(x => x.Socket == b.AdminSocket) >= 50, TimeSpan.FromSeconds(60), "50 writes on the new master");

        // The old master crashes and is restarted with its configured role, master: the database names cp-b at a newer epoch.
        a.Kill();
        a.StartReady();
        var samplesBefore = sampler.Samples;
        load.WaitFor(acks => acks.Count >= afterFailover + 150, TimeSpan.FromSeconds(60), "150 more writes with the old master back");
        sampler.WaitForSamples(samplesBefore + 50, TimeSpan.FromSeconds(60));
        sampler.Stop();
        load.Stop();

        output.WriteLine($"FIGURES shared: {sampler.Samples} check-master samples of three instances, {sampler.DualMasterSamples} with two masters; {load.Acks.Count} writes acknowledged");
        Assert.True(sampler.DualMasterSamples == 0, $"two masters in {sampler.DualMasterSamples} samples: {string.Join("; ", sampler.DualMasters)}\nold master log:\n{a.Log}");
        Assert.False(a.CheckMaster().Master, "the restarted old master must stay read-only");
        Assert.True(b.CheckMaster().Master);
        var firstOnB = load.Acks.Where(x => x.Socket == b.AdminSocket).Min(x => x.At);
        Assert.DoesNotContain(load.Acks, x => x.Socket == a.AdminSocket && x.At > firstOnB);
        using var shared = BackupRestoreTests.Open(db);
        var names = BackupRestoreTests.Names(shared);
        Assert.All(load.Acks, x => Assert.Contains(x.Name, names));
    }

    [Fact]
    public async Task Failover_with_WhatIf_lists_every_step_and_changes_nothing()
    {
        var db = Dir.Combine("shared", "nebulagc.db");
        var a = Own(new HaServer("cp-a", db, "master", Dir.Path)).StartReady();
        var b = Own(new HaServer("cp-b", db, "replica", Dir.Path)).StartReady();
        var reporter = new RecordingReporter { Approve = false };
        var services = new ServerProcessServices();
        var engine = new FailoverEngine(reporter, TimeProvider.System, services, new DatabaseRestore(reporter, TimeProvider.System, services, new LitestreamCli(Toolkit.LitestreamBinary)));

        var report = await engine.RunAsync(new FailoverRequest(FailoverMode.SharedDatabase, new InstanceEndpoint(b.Url, b.AdminSocket),
            [new InstanceEndpoint(a.Url, a.AdminSocket)]), CancellationToken.None);

        Assert.False(report.Completed);
        Assert.Contains(report.Steps, s => s.Action.StartsWith("Demote", StringComparison.Ordinal) && s.Status == FailoverStepStatus.Planned);
        Assert.Contains(report.Steps, s => s.Action.StartsWith("Promote", StringComparison.Ordinal) && s.Status == FailoverStepStatus.Planned);
        Assert.Contains(report.Steps, s => s.Action.StartsWith("Verify that a write", StringComparison.Ordinal) && s.Status == FailoverStepStatus.Planned);
        Assert.True(a.CheckMaster().Master);
        Assert.False(b.CheckMaster().Master);
        Assert.Equal(1, a.CheckMaster().Epoch);
    }

    [Fact]
    public async Task Instances_are_listed_with_role_epoch_version_and_data_position_and_an_unreachable_one_is_a_row_with_its_error()
    {
        var db = Dir.Combine("shared", "nebulagc.db");
        var a = Own(new HaServer("cp-a", db, "master", Dir.Path)).StartReady();
        var b = Own(new HaServer("cp-b", db, "replica", Dir.Path)).StartReady();
        var dead = new Uri($"http://127.0.0.1:{FreePort.Tcp()}/");

        var rows = await new InstanceInspector(TimeSpan.FromSeconds(2), TimeProvider.System).InspectAsync(
            [new InstanceEndpoint(a.Url, a.AdminSocket), new InstanceEndpoint(b.Url, b.AdminSocket), new InstanceEndpoint(dead, null)], CancellationToken.None);

        Assert.Equal(3, rows.Count);
        Assert.Equal(("cp-a", true, 1L), (rows[0].InstanceId, rows[0].IsMaster, rows[0].Epoch));
        Assert.Equal(("cp-b", false, 1L), (rows[1].InstanceId, rows[1].IsMaster, rows[1].Epoch));
        Assert.True(rows[0].Ready);
        Assert.Equal(rows[0].DataPosition, rows[1].DataPosition);
        Assert.False(string.IsNullOrEmpty(rows[0].Version));
        Assert.Null(rows[0].Error);
        Assert.False(rows[2].Healthy);
        Assert.NotNull(rows[2].Error);
        Assert.Null(rows[2].IsMaster);
    }

    private static string WaitForGenerations(LitestreamFixture litestream, string config, string db, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string listing = "";
        while (DateTime.UtcNow < deadline)
        {
            var result = ProcessRunner.Run(Toolkit.LitestreamBinary, ["generations", "-config", config, db], environment: litestream.Environment);
            listing = result.Stdout;
            var generations = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).Distinct().Count();
            if (generations >= count)
            {
                return listing;
            }
            Thread.Sleep(200);
        }
        throw new TimeoutException($"the replica did not list {count} generations within 30 s:\n{listing}");
    }
}

/// <summary>Polls <c>/v1/check-master</c> on every instance at once, over and over, and counts samples where two say master.</summary>
public sealed class MasterSampler : IDisposable
{
    private readonly IReadOnlyList<Uri> _urls;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private int _samples;
    private int _dual;

    public MasterSampler(IReadOnlyList<Uri> urls)
    {
        _urls = urls;
        StartedAt = Stopwatch.GetTimestamp();
        _thread = new Thread(Loop) { IsBackground = true, Name = "master-sampler" };
        _thread.Start();
    }

    public long StartedAt { get; }

    public int Samples => Volatile.Read(ref _samples);

    public int DualMasterSamples => Volatile.Read(ref _dual);

    /// <summary>Which instances said master together, per dual-master sample.</summary>
    public List<string> DualMasters { get; } = [];

    public void WaitForSamples(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Samples < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"only {Samples} samples within {timeout}");
            }
            Thread.Sleep(20);
        }
    }

    public void Stop()
    {
        _stop.Cancel();
        _thread.Join();
    }

    public void Dispose() => Stop();

    private void Loop()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        while (!_stop.IsCancellationRequested)
        {
            var answers = Task.WhenAll(_urls.Select(async u =>
            {
                try
                {
                    return (await http.GetFromJsonAsync(new Uri(u, "v1/check-master"), ContractsJsonContext.Default.CheckMasterResponse))?.Master == true;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            })).GetAwaiter().GetResult();
            Interlocked.Increment(ref _samples);
            if (answers.Count(m => m) > 1)
            {
                Interlocked.Increment(ref _dual);
                lock (DualMasters)
                {
                    DualMasters.Add(string.Join(", ", _urls.Where((_, i) => answers[i])));
                }
            }
            _stop.Token.WaitHandle.WaitOne(10);
        }
    }
}
