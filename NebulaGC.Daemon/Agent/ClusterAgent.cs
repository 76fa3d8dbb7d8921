using System.Net;
using NebulaGC.Client.Http;
using NebulaGC.Daemon.Apply;
using NebulaGC.Daemon.Configuration;
using NebulaGC.Daemon.Logging;
using NebulaGC.Daemon.Status;
using NebulaGC.Daemon.Supervision;

namespace NebulaGC.Daemon.Agent;

/// <summary>
/// Everything the daemon does for one cluster: enrolment (key pair, certificate request), the version poll,
/// download, staged apply, restart with rollback, and nebula supervision. A failing control plane only ever
/// delays changes; the running nebula is never touched because of it.
/// </summary>
public sealed class ClusterAgent
{
    /// <summary>How often the instance list is refreshed from <c>/v1/replicas</c>.</summary>
    private static readonly TimeSpan ReplicaRefreshInterval = TimeSpan.FromMinutes(5);

    private readonly ClusterSettings cluster;
    private readonly SupervisorOptions supervision;
    private readonly DaemonSettings settings;
    private readonly ControlPlaneClient client;
    private readonly ClusterPaths paths;
    private readonly ConfigApplier applier;
    private readonly DaemonLog log;
    private readonly TimeProvider time;
    private readonly string component;
    private AppliedState state = AppliedState.Empty;
    private bool externalPki;
    private DateTimeOffset nextReplicaRefresh = DateTimeOffset.MinValue;
    private long? latestVersion;
    private long? applyingVersion;
    private DateTimeOffset? lastPollAt;
    private string? lastError;
    private Rejection? lastRejection;

    public ClusterAgent(ClusterSettings cluster, DaemonSettings settings, ControlPlaneClient client, SupervisorOptions supervision, DaemonLog log, TimeProvider time)
    {
        this.cluster = cluster;
        this.supervision = supervision;
        this.settings = settings;
        this.client = client;
        this.log = log;
        this.time = time;
        component = $"cluster:{cluster.Name}";
        paths = new ClusterPaths(cluster, settings);
        applier = new ConfigApplier(paths, new NebulaConfigTester(settings.NebulaBinary, TimeSpan.FromSeconds(30)));
        Supervisor = new NebulaSupervisor(cluster.Name, paths, settings.NebulaBinary, supervision, log, time);
        Supervisor.StatusChanged += () => StatusChanged?.Invoke();
        LastProgress = time.GetUtcNow();
    }

    public NebulaSupervisor Supervisor { get; }

    /// <summary>Fires when anything in <see cref="Status"/> may have changed.</summary>
    public event Action? StatusChanged;

    /// <summary>When the poll loop last completed an iteration; the systemd watchdog stops when this goes stale.</summary>
    public DateTimeOffset LastProgress { get; private set; }

    public ClusterStatus Status => new(
        cluster.Name, cluster.ClusterId, cluster.NodeId, cluster.NodeTokenFingerprint,
        state.AppliedVersion, state.AppliedAt, applyingVersion, latestVersion, lastPollAt, client.PreferredUrl.ToString(),
        lastError, lastRejection, Supervisor.Status);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        paths.EnsureDirectories();
        state = AppliedState.Load(paths.StateFile);
        if (state.RejectedVersion > 0 && state.RejectedReason is { } reason)
        {
            lastRejection = new Rejection(state.RejectedVersion, reason, state.RejectedAt ?? time.GetUtcNow(), false);
        }
        ReconcileCurrentLink();
        log.Info(component, $"node {cluster.NodeId} (token {cluster.NodeTokenFingerprint}), applied version {state.AppliedVersion}, control plane {string.Join(", ", client.KnownUrls)}");
        var supervision = Supervisor.RunAsync(cancellationToken);
        try
        {
            await PollLoopAsync(cancellationToken);
        }
        finally
        {
            await supervision;
        }
    }

    /// <summary>The state file is the truth: a crash between the switch and the save must not leave an unrecorded config active.</summary>
    private void ReconcileCurrentLink()
    {
        string? active = applier.ActiveDirName();
        if (state.AppliedDir is { } applied && active != applied && Directory.Exists(paths.VersionDir(applied)))
        {
            log.Warning(component, $"'current' points to {active ?? "nothing"} but version {state.AppliedVersion} ({applied}) was the last applied; switching back");
            applier.Activate(applied);
        }
    }

    private async Task PollLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = time.GetUtcNow();
            try
            {
                try
                {
                    await EnsureCertificateAsync(cancellationToken);
                }
                catch (Exception e) when (e is ControlPlaneUnavailableException or ControlPlaneApiException)
                {
                    // Polling goes on: a replica can still serve reads, and nebula keeps its current certificate.
                    log.Warning(component, $"certificate request failed, retrying next poll: {e.Message}");
                }
                await RefreshReplicasIfDueAsync(cancellationToken);
                long seen = state.SeenVersion;
                long latest = await client.GetLatestVersionAsync(seen, settings.PollWait, cancellationToken);
                latestVersion = latest;
                lastPollAt = time.GetUtcNow();
                SetError(null);
                StatusChanged?.Invoke();
                if (latest != state.AppliedVersion && latest != state.RejectedVersion)
                {
                    await ApplyNewVersionAsync(cancellationToken);
                    LastProgress = time.GetUtcNow();
                    continue;
                }
                LastProgress = time.GetUtcNow();
                // A server that answers at once (no long-poll) is polled every poll_interval_seconds instead.
                var elapsed = time.GetUtcNow() - started;
                if (elapsed < settings.PollInterval)
                {
                    await Task.Delay(settings.PollInterval - elapsed, time, cancellationToken);
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever went wrong, nebula keeps running on its config; retry after the poll interval.
                SetError(e is ControlPlaneUnavailableException or ControlPlaneApiException ? e.Message : $"{e.GetType().Name}: {e.Message}");
                LastProgress = time.GetUtcNow();
                // A rate-limited node waits as long as the server asks (429 Retry-After), never less than the poll interval.
                var pause = e is ControlPlaneUnavailableException { RetryAfter: { } asked } && asked > settings.PollInterval ? asked : settings.PollInterval;
                await Task.Delay(pause, time, cancellationToken);
            }
        }
    }

    /// <summary>Managed PKI: has the node's public key signed when there is no current certificate for it.</summary>
    private async Task EnsureCertificateAsync(CancellationToken cancellationToken)
    {
        if (externalPki)
        {
            return;
        }
        var key = NodeKeyStore.LoadOrCreate(paths);
        string publicKey = key.PublicKeyPem();
        if (Enrollment.Load(paths.EnrollmentFile) is { } enrollment && enrollment.IsCurrent(publicKey, time.GetUtcNow()))
        {
            return;
        }
        try
        {
            var signed = await client.RequestCertificateAsync(publicKey, cancellationToken);
            new Enrollment(Enrollment.KeyDigest(publicKey), signed.Fingerprint, time.GetUtcNow(), signed.NotAfter).Save(paths.EnrollmentFile);
            log.Info(component, $"certificate {signed.Fingerprint[..Math.Min(16, signed.Fingerprint.Length)]} signed for this node's key, valid until {signed.NotAfter:u}; it arrives with version {signed.ConfigVersion}");
        }
        catch (ControlPlaneApiException e) when (e.Status is HttpStatusCode.Conflict or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            // External PKI (409), or a server without managed PKI: the uploaded bundle carries host.crt and host.key.
            // Asked once per daemon run.
            externalPki = true;
            log.Info(component, $"the control plane does not sign a certificate for this node ({e.Message}); using the bundle's own host key");
        }
    }

    private async Task RefreshReplicasIfDueAsync(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() < nextReplicaRefresh)
        {
            return;
        }
        nextReplicaRefresh = time.GetUtcNow() + ReplicaRefreshInterval;
        try
        {
            int added = await client.LearnReplicasAsync(cancellationToken);
            if (added > 0)
            {
                log.Info(component, $"learned {added} more control-plane instance(s) from /v1/replicas: now {string.Join(", ", client.KnownUrls)}");
            }
        }
        catch (Exception e) when (e is ControlPlaneUnavailableException or ControlPlaneApiException)
        {
            log.Debug(component, $"refreshing the instance list failed: {e.Message}");
        }
    }

    private async Task ApplyNewVersionAsync(CancellationToken cancellationToken)
    {
        var bundle = await client.DownloadBundleAsync(state.AppliedVersion, cancellationToken);
        if (bundle is null || bundle.Version == state.AppliedVersion)
        {
            return;
        }
        log.Info(component, $"version {bundle.Version} available ({bundle.Content.Length} bytes from {bundle.Source.GetLeftPart(UriPartial.Authority)}); applied is {state.AppliedVersion}");
        if (state.AppliedSha256 is { } appliedSha && string.Equals(bundle.Sha256, appliedSha, StringComparison.OrdinalIgnoreCase)
            && Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bundle.Content)) == appliedSha)
        {
            // The version moved for a change that does not touch this node's bundle (e.g. another node's MTU under
            // external PKI): record it, leave nebula alone.
            state = state with { AppliedVersion = bundle.Version, AppliedAt = time.GetUtcNow() };
            state.Save(paths.StateFile);
            log.Info(component, $"version {bundle.Version} carries the bundle already applied; nebula not restarted");
            StatusChanged?.Invoke();
            return;
        }
        StagedConfig staged;
        try
        {
            staged = await applier.StageAsync(bundle.Content, bundle.Sha256, bundle.Version, cancellationToken);
        }
        catch (BundleRejectedException e)
        {
            Reject(bundle.Version, bundle.Sha256, e.Message, rolledBack: false);
            return;
        }

        string? previousDir = state.AppliedDir;
        long previousVersion = state.AppliedVersion;
        applyingVersion = staged.Version;
        applier.Activate(staged.DirName);
        RestartOutcome outcome;
        try
        {
            outcome = await Supervisor.RestartAsync(cancellationToken);
            if (outcome is RestartOutcome.ExitedEarly first)
            {
                log.Warning(component, $"{EarlyExit(first, staged.Version)}; starting it once more in {supervision.EarlyExitRetryDelay.TotalSeconds:0.#} s before rolling back");
                await Task.Delay(supervision.EarlyExitRetryDelay, time, cancellationToken);
                outcome = await Supervisor.RestartAsync(cancellationToken);
            }
        }
        finally
        {
            applyingVersion = null;
        }
        if (outcome is RestartOutcome.ExitedEarly crash)
        {
            string reason = EarlyExit(crash, staged.Version);
            if (previousDir is not null)
            {
                applier.Activate(previousDir);
                var back = await Supervisor.RestartAsync(cancellationToken);
                if (back is RestartOutcome.ExitedEarly)
                {
                    log.Error(component, $"nebula also fails on the previous version {previousVersion}; supervising it with backoff");
                    Supervisor.Resume();
                }
                Reject(staged.Version, staged.Sha256, reason, rolledBack: true);
                applier.Prune(state.AppliedDir, state.PreviousDir);
                return;
            }
            // Nothing to go back to: keep supervising the new config, with backoff.
            log.Error(component, $"{reason}; there is no earlier config to roll back to");
            Supervisor.Resume();
            SetError(reason);
        }

        state = state with
        {
            AppliedVersion = staged.Version,
            AppliedSha256 = staged.Sha256,
            AppliedDir = staged.DirName,
            PreviousVersion = previousVersion,
            PreviousDir = previousDir,
            AppliedAt = time.GetUtcNow(),
        };
        state.Save(paths.StateFile);
        applier.Prune(state.AppliedDir, state.PreviousDir);
        log.Info(component, $"applied version {staged.Version} ({staged.DirName}){(staged.HasOwnHostKey ? "; host.key from the bundle (external PKI)" : "")}");
        StatusChanged?.Invoke();
    }

    private void Reject(long version, string? sha256, string reason, bool rolledBack)
    {
        var now = time.GetUtcNow();
        state = state with { RejectedVersion = version, RejectedSha256 = sha256, RejectedReason = reason, RejectedAt = now };
        state.Save(paths.StateFile);
        lastRejection = new Rejection(version, reason, now, rolledBack);
        log.Error(component, $"version {version} not applied{(rolledBack ? " (rolled back to version " + state.AppliedVersion + ")" : "")}: {reason}");
        StatusChanged?.Invoke();
    }

    private void SetError(string? error)
    {
        if (error == lastError)
        {
            return;
        }
        if (error is not null)
        {
            log.Warning(component, error);
        }
        else if (lastError is not null)
        {
            log.Info(component, $"control plane reachable again via {client.PreferredUrl}");
        }
        lastError = error;
        StatusChanged?.Invoke();
    }

    private string EarlyExit(RestartOutcome.ExitedEarly exit, long version) =>
        $"nebula exited{(exit.ExitCode is { } c ? $" with code {c}" : "")} within {supervision.Probation.TotalSeconds:0.#} s on version {version}: {LastLines(exit.Output)}";

    private static string LastLines(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? "(no output)" : string.Join(" | ", lines.TakeLast(3));
    }
}
