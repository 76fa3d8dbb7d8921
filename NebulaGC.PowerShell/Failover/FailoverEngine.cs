using NebulaGC.Client.Contracts;
using NebulaGC.PowerShell.Backup;
using NebulaGC.PowerShell.Instances;
using NebulaGC.PowerShell.Operations;

namespace NebulaGC.PowerShell.Failover;

/// <summary>What <c>Invoke-NebulaGCFailover</c> is asked to do.</summary>
/// <param name="Target">The instance that becomes master: its URL and its (local) admin socket.</param>
/// <param name="Peers">The other instances (the old master among them). Shared mode demotes those with an admin socket.</param>
/// <param name="DatabasePath">Litestream mode: the standby's database path (restored into).</param>
/// <param name="ServerService">Litestream mode: the standby's server unit, started after the restore.</param>
/// <param name="LitestreamService">Litestream mode: the standby's replicate unit, started once the new master writes (new generation).</param>
/// <param name="LastKnownDataPosition">The old master's last data position, when known: the report counts writes lost against it.</param>
public sealed record FailoverRequest(
    FailoverMode Mode,
    InstanceEndpoint Target,
    IReadOnlyList<InstanceEndpoint> Peers,
    string? DatabasePath = null,
    string? LitestreamConfig = null,
    string? ServerService = null,
    string? LitestreamService = null,
    long? LastKnownDataPosition = null,
    TimeSpan? Timeout = null);

/// <summary>
/// Plans a failover, then carries it out step by step, asking before every side effect (so -WhatIf prints the real
/// plan). Every step checks the state it needs first, so a re-run after a partial failure picks up where it stopped.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FailoverEngine(IReporter reporter, TimeProvider time, IServiceControl services, DatabaseRestore restore)
{
    private const string Activity = "NebulaGC failover";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    private IReporter Reporter => reporter;

    private TimeProvider Time => time;

    public async Task<FailoverReport> RunAsync(FailoverRequest request, CancellationToken cancellation)
    {
        if (request.Target.AdminSocket is null || request.Target.Url is null)
        {
            throw new NebulaGCException(ErrorIds.FailoverTargetUnreachable, "the target needs both its URL and its admin socket (-TargetUrl, -AdminSocket): promotion and the write check go through the admin socket", request.Target.Name);
        }
        var started = time.GetTimestamp();
        var run = new Run(this, request, cancellation);
        reporter.Progress(Activity, "finding the instances", 5);
        var before = await run.Step("instances", "Discover the instances", sideEffect: false, async () =>
        {
            var all = await new InstanceInspector(ProbeTimeout, time).InspectAsync([request.Target, .. request.Peers], cancellation);
            return (all, string.Join("; ", all.Select(i => $"{i.Endpoint}: {i.Error ?? $"{i.Role} epoch {i.Epoch}"}")));
        });
        var target = before![0];
        var oldMasters = before.Skip(1).Where(i => i.IsMaster == true).ToList();
        var oldMaster = oldMasters.FirstOrDefault();

        if (request.Mode == FailoverMode.SharedDatabase)
        {
            await SharedAsync(run, request, target, oldMasters);
        }
        else
        {
            await LitestreamAsync(run, request, target, oldMasters);
        }

        reporter.Progress(Activity, "verifying", 90);
        var after = await run.Step(request.Target.Name, "Verify that exactly one instance reports master", sideEffect: false, async () =>
        {
            var masters = await WaitForSingleMasterAsync(request, cancellation);
            return (masters, $"master: {masters.InstanceId} at epoch {masters.Epoch}");
        });
        var written = await run.Step(request.Target.Name, "Verify that a write succeeds on the new master", sideEffect: false, async () =>
        {
            using var client = new InstanceClient(request.Target.Url, request.Target.AdminSocket, TimeSpan.FromSeconds(5));
            var status = await client.WriteCheckAsync(cancellation);
            return (status, $"write committed; data position {status.DataPosition}");
        });
        if (request.Mode == FailoverMode.LitestreamRestore && request.LitestreamService is { } replicate)
        {
            await run.Step(replicate, "Start Litestream replication from the new master (a new generation)", sideEffect: true, () =>
            {
                services.Start(replicate);
                return Task.FromResult((true, (string?)$"service '{replicate}' started"));
            });
        }
        reporter.Progress(Activity, "done", 100);
        // The old master's last position: given by the operator, else its position when demoted, else when discovered.
        var oldPosition = request.LastKnownDataPosition ?? run.DemotedPosition ?? oldMaster?.DataPosition;
        var restoredPosition = run.RestoredPosition;
        return new FailoverReport(request.Mode, oldMaster?.InstanceId ?? run.RestoredMaster, oldMaster?.Epoch ?? run.RestoredEpoch, oldPosition,
            after?.InstanceId, after?.Epoch, written?.DataPosition,
            oldPosition is { } o && restoredPosition is { } r ? Math.Max(0, o - r) : null,
            Math.Round(time.GetElapsedTime(started).TotalSeconds, 3), run.Completed, run.Steps);
    }

    private async Task SharedAsync(Run run, FailoverRequest request, NebulaGCInstance target, List<NebulaGCInstance> oldMasters)
    {
        if (target.Error is not null)
        {
            run.Fail(ErrorIds.FailoverTargetUnreachable, $"the target {target.Endpoint} does not answer: {target.Error}");
        }
        if (target.IsMaster == true && oldMasters.Count == 0)
        {
            run.Note(request.Target.Name, "Promote", $"{target.InstanceId} is already the only master (epoch {target.Epoch}); nothing to change");
            return;
        }
        long highest = target.DataPosition ?? 0;
        foreach (var old in oldMasters)
        {
            var peer = request.Peers.FirstOrDefault(p => p.Name == old.Endpoint);
            if (peer?.AdminSocket is null)
            {
                run.Note(old.Endpoint, "Demote the old master", "no admin socket for it: the promotion's new epoch fences it at its next write or fencing check");
                continue;
            }
            reporter.Progress(Activity, $"demoting {old.InstanceId}", 20);
            var demoted = await run.Step(old.Endpoint, $"Demote the old master {old.InstanceId} (epoch {old.Epoch})", sideEffect: true, async () =>
            {
                using var client = new InstanceClient(null, peer.AdminSocket, TimeSpan.FromSeconds(5));
                var status = await client.DemoteAsync(run.Cancellation);
                return (status, $"read-only at data position {status.DataPosition}");
            });
            highest = Math.Max(highest, demoted?.DataPosition ?? old.DataPosition ?? 0);
            run.DemotedPosition = Math.Max(run.DemotedPosition ?? 0, demoted?.DataPosition ?? 0);
        }
        reporter.Progress(Activity, "waiting for catch-up", 40);
        await run.Step(request.Target.Name, $"Wait until the target's data position reaches {highest}", sideEffect: false, async () =>
        {
            var reached = await WaitForPositionAsync(request.Target, highest, request.Timeout ?? TimeSpan.FromSeconds(30), run.Cancellation);
            run.RestoredPosition = reached;
            return (true, $"data position {reached}");
        });
        reporter.Progress(Activity, "promoting", 60);
        await PromoteAsync(run, request.Target, target.InstanceId ?? "the target");
    }

    private async Task LitestreamAsync(Run run, FailoverRequest request, NebulaGCInstance target, List<NebulaGCInstance> oldMasters)
    {
        if (request.DatabasePath is null || request.LitestreamConfig is null || request.ServerService is null)
        {
            throw new NebulaGCException(ErrorIds.FailoverInvalidRequest, "Litestream failover needs -DatabasePath, -LitestreamConfig and -ServerService of the standby", request.Target.Name);
        }
        if (oldMasters.FirstOrDefault(m => m.Ready == true) is { } alive)
        {
            run.Fail(ErrorIds.FailoverOldMasterAlive,
                $"{alive.Endpoint} still answers as master (instance {alive.InstanceId}, epoch {alive.Epoch}): a Litestream failover is for a lost master; demote or stop it first");
        }
        if (target.IsMaster == true)
        {
            run.Note(request.Target.Name, "Restore and start", $"{target.InstanceId} already serves as master at epoch {target.Epoch}; nothing to restore");
            return;
        }
        if (services.IsActive(request.ServerService))
        {
            await run.Step(request.ServerService, "Stop the standby's server (it must not hold the database during the restore)", sideEffect: true, () =>
            {
                services.Stop(request.ServerService);
                return Task.FromResult((true, (string?)"stopped"));
            });
        }
        reporter.Progress(Activity, "restoring from Litestream", 20);
        var database = Path.GetFullPath(request.DatabasePath);
        await run.Step(database, $"Restore the newest state from the Litestream replica of '{request.LitestreamConfig}'", sideEffect: true, () =>
        {
            var candidate = restore.Prepare(database, new RestoreSource(null, request.LitestreamConfig))
                ?? throw new NebulaGCException(ErrorIds.RestoreReplicaEmpty, $"the Litestream replica of '{request.LitestreamConfig}' holds no backup: there is nothing to fail over to", request.LitestreamConfig);
            try
            {
                var aside = restore.Install(candidate, database);
                run.RestoredPosition = candidate.Summary.DataPosition;
                run.RestoredMaster = candidate.Summary.MasterInstanceId;
                run.RestoredEpoch = candidate.Summary.Epoch;
                return Task.FromResult((true, (string?)$"generation {candidate.Generation ?? "?"}: epoch {candidate.Summary.Epoch} (master {candidate.Summary.MasterInstanceId}), data position {candidate.Summary.DataPosition}{(aside is null ? "" : $"; previous file kept as '{aside}'")}"));
            }
            finally
            {
                File.Delete(candidate.TempPath);
            }
        });
        reporter.Progress(Activity, "starting the new master", 50);
        await run.Step(request.ServerService, "Start the standby's server", sideEffect: true, () =>
        {
            services.Start(request.ServerService);
            return Task.FromResult((true, (string?)$"service '{request.ServerService}' started"));
        });
        await run.Step(request.Target.Name, "Wait until the standby's server is ready", sideEffect: false, async () =>
        {
            var master = await WaitReadyAsync(request.Target, request.Timeout ?? TimeSpan.FromSeconds(60), run.Cancellation);
            return (true, $"ready as {(master ? "master" : "replica (the restored database names the old master)")}");
        });
        await PromoteAsync(run, request.Target, "the standby");
    }

    /// <summary>Promotes through the admin socket unless the instance already is master (a re-run).</summary>
    private static async Task PromoteAsync(Run run, InstanceEndpoint target, string who)
    {
        await run.Step(target.Name, $"Promote {who} to master (a new, higher epoch fences the old master)", sideEffect: true, async () =>
        {
            using var client = new InstanceClient(null, target.AdminSocket, TimeSpan.FromSeconds(10));
            var status = await client.HaStatusAsync(run.Cancellation);
            if (status.Master)
            {
                return (status, $"already master at epoch {status.Epoch}");
            }
            status = await client.PromoteAsync(run.Cancellation);
            return (status, $"master at epoch {status.Epoch}");
        });
    }

    private async Task<long> WaitForPositionAsync(InstanceEndpoint endpoint, long position, TimeSpan timeout, CancellationToken cancellation)
    {
        using var client = new InstanceClient(null, endpoint.AdminSocket, ProbeTimeout);
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var status = await client.HaStatusAsync(cancellation);
            if (status.DataPosition >= position)
            {
                return status.DataPosition;
            }
            if (time.GetUtcNow() > deadline)
            {
                throw new NebulaGCException(ErrorIds.FailoverCatchUpTimeout, $"{endpoint.Name} reached data position {status.DataPosition}, not {position}, within {timeout.TotalSeconds:0} s: it has not caught up; nothing was promoted", endpoint.Name);
            }
            await Task.Delay(50, cancellation);
        }
    }

    /// <summary>Waits until <c>/v1/readyz</c> answers 200; returns whether the instance is master.</summary>
    private async Task<bool> WaitReadyAsync(InstanceEndpoint endpoint, TimeSpan timeout, CancellationToken cancellation)
    {
        using var client = new InstanceClient(endpoint.Url, null, ProbeTimeout);
        var deadline = time.GetUtcNow() + timeout;
        string last = "no answer";
        while (time.GetUtcNow() < deadline)
        {
            try
            {
                var problem = await client.ReadinessProblemAsync(cancellation);
                if (problem is null)
                {
                    return (await client.CheckMasterAsync(cancellation)).Master;
                }
                last = problem;
            }
            catch (Exception e) when (InstanceInspector.IsUnreachable(e, cancellation))
            {
                last = InstanceInspector.Describe(e);
            }
            await Task.Delay(25, cancellation);
        }
        throw new NebulaGCException(ErrorIds.ServerNotReady, $"{endpoint.Name} did not become ready within {timeout.TotalSeconds:0} s (last: {last})", endpoint.Name);
    }

    /// <summary>Polls every instance until the target is the one master and no other answers as master.</summary>
    private async Task<NebulaGCInstance> WaitForSingleMasterAsync(FailoverRequest request, CancellationToken cancellation)
    {
        var inspector = new InstanceInspector(ProbeTimeout, time);
        var deadline = time.GetUtcNow() + (request.Timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var all = await inspector.InspectAsync([request.Target, .. request.Peers], cancellation);
            var masters = all.Where(i => i.IsMaster == true).ToList();
            if (masters.Count == 1 && masters[0] == all[0])
            {
                return all[0];
            }
            if (time.GetUtcNow() > deadline)
            {
                throw new NebulaGCException(ErrorIds.FailoverVerificationFailed,
                    $"expected only {request.Target.Name} to report master, found: {(masters.Count == 0 ? "none" : string.Join(", ", masters.Select(m => $"{m.Endpoint} (epoch {m.Epoch})")))}", request.Target.Name);
            }
            await Task.Delay(100, cancellation);
        }
    }

    /// <summary>The executed plan: numbered steps, each asked for (when it has a side effect), timed and recorded.</summary>
    private sealed class Run(FailoverEngine engine, FailoverRequest request, CancellationToken cancellation)
    {
        private bool _skipping;

        public List<FailoverStep> Steps { get; } = [];

        public CancellationToken Cancellation => cancellation;

        public bool Completed => !_skipping;

        /// <summary>The new master's data position before it takes writes: restored (Litestream) or caught up (shared).</summary>
        public long? RestoredPosition { get; set; }

        public long? DemotedPosition { get; set; }

        public string? RestoredMaster { get; set; }

        public long? RestoredEpoch { get; set; }

        public void Note(string target, string action, string detail)
        {
            Steps.Add(new FailoverStep(Steps.Count + 1, target, action, FailoverStepStatus.Skipped, null, detail));
            engine.Reporter.Verbose($"{action} ({target}): {detail}");
        }

        public void Fail(ErrorId id, string message)
        {
            Steps.Add(new FailoverStep(Steps.Count + 1, request.Target.Name, "Check preconditions", FailoverStepStatus.Failed, null, message));
            throw new NebulaGCException(id, message + "; nothing was changed", Report());
        }

        /// <summary>
        /// Runs one step. A side effect is asked for first; once one is declined (-WhatIf), every later step is only listed.
        /// </summary>
        public async Task<T?> Step<T>(string target, string action, bool sideEffect, Func<Task<(T Value, string? Detail)>> work)
        {
            if (_skipping || (sideEffect && !engine.Reporter.ShouldProcess(target, action)))
            {
                _skipping = true;
                Steps.Add(new FailoverStep(Steps.Count + 1, target, action, FailoverStepStatus.Planned, null, null));
                return default;
            }
            engine.Reporter.Verbose($"step {Steps.Count + 1}: {action} ({target})");
            var started = engine.Time.GetTimestamp();
            try
            {
                var (value, detail) = await work();
                var seconds = Math.Round(engine.Time.GetElapsedTime(started).TotalSeconds, 3);
                Steps.Add(new FailoverStep(Steps.Count + 1, target, action, FailoverStepStatus.Done, seconds, detail));
                engine.Reporter.Verbose($"step {Steps.Count} done in {seconds:0.000} s: {detail}");
                return value;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var seconds = Math.Round(engine.Time.GetElapsedTime(started).TotalSeconds, 3);
                Steps.Add(new FailoverStep(Steps.Count + 1, target, action, FailoverStepStatus.Failed, seconds, e.Message));
                var id = e is NebulaGCException n ? n.Id : ErrorIds.FailoverStepFailed;
                throw new NebulaGCException(id, $"failover step {Steps.Count} '{action}' on {target} failed: {e.Message}. Fix the cause and run Invoke-NebulaGCFailover again: finished steps are detected and skipped", Report(), e);
            }
        }

        private FailoverReport Report() =>
            new(request.Mode, null, null, null, null, null, null, null, 0, false, Steps);
    }
}
