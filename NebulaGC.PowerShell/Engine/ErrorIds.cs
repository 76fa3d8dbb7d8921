namespace NebulaGC.PowerShell.Engine;

/// <summary>What kind of failure an <see cref="ErrorId"/> is; the cmdlet layer maps it 1:1 onto ErrorCategory.</summary>
public enum ErrorKind
{
    InvalidArgument,
    ObjectNotFound,
    InvalidData,
    WriteError,
    NotInstalled,
    InvalidResult,
    ResourceBusy,
    ResourceUnavailable,
    OperationTimeout,
    InvalidOperation,
    PermissionDenied,
}

/// <summary>A stable error identifier (<c>&lt;Noun&gt;&lt;Problem&gt;</c>) with its kind.</summary>
public sealed record ErrorId(string Name, ErrorKind Kind)
{
    public override string ToString() => Name;
}

/// <summary>Every error id the module raises, in one place. Tests assert these names; never rename one.</summary>
public static class ErrorIds
{
    public static readonly ErrorId ValuesFileNotFound = new(nameof(ValuesFileNotFound), ErrorKind.ObjectNotFound);
    public static readonly ErrorId ValuesFileInvalid = new(nameof(ValuesFileInvalid), ErrorKind.InvalidData);
    public static readonly ErrorId ValuesUnknownKey = new(nameof(ValuesUnknownKey), ErrorKind.InvalidData);
    public static readonly ErrorId ValuesInvalidValue = new(nameof(ValuesInvalidValue), ErrorKind.InvalidData);
    public static readonly ErrorId ValuesDuplicateKey = new(nameof(ValuesDuplicateKey), ErrorKind.InvalidData);
    public static readonly ErrorId ValuesSetInvalid = new(nameof(ValuesSetInvalid), ErrorKind.InvalidArgument);
    public static readonly ErrorId SettingNotUsed = new(nameof(SettingNotUsed), ErrorKind.InvalidArgument);
    public static readonly ErrorId SelectorMissing = new(nameof(SelectorMissing), ErrorKind.InvalidArgument);
    public static readonly ErrorId TemplateNotFound = new(nameof(TemplateNotFound), ErrorKind.ObjectNotFound);
    public static readonly ErrorId TemplateSyntaxError = new(nameof(TemplateSyntaxError), ErrorKind.InvalidData);
    public static readonly ErrorId TemplateRenderFailed = new(nameof(TemplateRenderFailed), ErrorKind.InvalidResult);
    public static readonly ErrorId RenderedYamlInvalid = new(nameof(RenderedYamlInvalid), ErrorKind.InvalidResult);
    public static readonly ErrorId LitestreamUnknownKey = new(nameof(LitestreamUnknownKey), ErrorKind.InvalidResult);
    public static readonly ErrorId LitestreamTooManyReplicas = new(nameof(LitestreamTooManyReplicas), ErrorKind.InvalidArgument);
    public static readonly ErrorId LitestreamReplicaIncomplete = new(nameof(LitestreamReplicaIncomplete), ErrorKind.InvalidArgument);
    public static readonly ErrorId LiteFSUnknownKey = new(nameof(LiteFSUnknownKey), ErrorKind.InvalidResult);
    public static readonly ErrorId LoadBalancerNoBackend = new(nameof(LoadBalancerNoBackend), ErrorKind.InvalidArgument);
    public static readonly ErrorId SettingsInvalid = new(nameof(SettingsInvalid), ErrorKind.InvalidArgument);
    public static readonly ErrorId FileWriteFailed = new(nameof(FileWriteFailed), ErrorKind.WriteError);
    public static readonly ErrorId DeploymentPathNotFound = new(nameof(DeploymentPathNotFound), ErrorKind.ObjectNotFound);
    public static readonly ErrorId ValidatorNotInstalled = new(nameof(ValidatorNotInstalled), ErrorKind.NotInstalled);
    public static readonly ErrorId DeploymentCheckFailed = new(nameof(DeploymentCheckFailed), ErrorKind.InvalidResult);
    public static readonly ErrorId BackupSourceNotFound = new(nameof(BackupSourceNotFound), ErrorKind.ObjectNotFound);
    public static readonly ErrorId BackupDestinationNotFound = new(nameof(BackupDestinationNotFound), ErrorKind.ObjectNotFound);
    public static readonly ErrorId BackupDestinationExists = new(nameof(BackupDestinationExists), ErrorKind.WriteError);
    public static readonly ErrorId BackupIntegrityFailed = new(nameof(BackupIntegrityFailed), ErrorKind.InvalidResult);
    public static readonly ErrorId BackupFailed = new(nameof(BackupFailed), ErrorKind.WriteError);
    public static readonly ErrorId RestoreTargetNotFound = new(nameof(RestoreTargetNotFound), ErrorKind.ObjectNotFound);
    public static readonly ErrorId RestoreSourceNotFound = new(nameof(RestoreSourceNotFound), ErrorKind.ObjectNotFound);
    public static readonly ErrorId RestoreSourceCorrupt = new(nameof(RestoreSourceCorrupt), ErrorKind.InvalidData);
    public static readonly ErrorId RestoreSchemaTooNew = new(nameof(RestoreSchemaTooNew), ErrorKind.InvalidData);
    public static readonly ErrorId RestoreDatabaseInUse = new(nameof(RestoreDatabaseInUse), ErrorKind.ResourceBusy);
    public static readonly ErrorId RestoreReplicaEmpty = new(nameof(RestoreReplicaEmpty), ErrorKind.ObjectNotFound);
    public static readonly ErrorId LitestreamNotFound = new(nameof(LitestreamNotFound), ErrorKind.NotInstalled);
    public static readonly ErrorId LitestreamRestoreFailed = new(nameof(LitestreamRestoreFailed), ErrorKind.InvalidResult);
    public static readonly ErrorId ServiceControlFailed = new(nameof(ServiceControlFailed), ErrorKind.InvalidResult);
    public static readonly ErrorId ServerNotReady = new(nameof(ServerNotReady), ErrorKind.OperationTimeout);
    public static readonly ErrorId InstanceEndpointInvalid = new(nameof(InstanceEndpointInvalid), ErrorKind.InvalidArgument);
    public static readonly ErrorId FailoverInvalidRequest = new(nameof(FailoverInvalidRequest), ErrorKind.InvalidArgument);
    public static readonly ErrorId FailoverTargetUnreachable = new(nameof(FailoverTargetUnreachable), ErrorKind.ResourceUnavailable);
    public static readonly ErrorId FailoverOldMasterAlive = new(nameof(FailoverOldMasterAlive), ErrorKind.InvalidOperation);
    public static readonly ErrorId FailoverCatchUpTimeout = new(nameof(FailoverCatchUpTimeout), ErrorKind.OperationTimeout);
    public static readonly ErrorId FailoverVerificationFailed = new(nameof(FailoverVerificationFailed), ErrorKind.InvalidResult);
    public static readonly ErrorId FailoverStepFailed = new(nameof(FailoverStepFailed), ErrorKind.InvalidResult);
    public static readonly ErrorId ReleaseSourceNotFound = new(nameof(ReleaseSourceNotFound), ErrorKind.ObjectNotFound);
    public static readonly ErrorId ReleaseSourceInvalid = new(nameof(ReleaseSourceInvalid), ErrorKind.InvalidData);
    public static readonly ErrorId ReleaseChecksumMismatch = new(nameof(ReleaseChecksumMismatch), ErrorKind.InvalidData);
    public static readonly ErrorId InstallRequiresRoot = new(nameof(InstallRequiresRoot), ErrorKind.PermissionDenied);
    public static readonly ErrorId SystemctlFailed = new(nameof(SystemctlFailed), ErrorKind.InvalidResult);
    public static readonly ErrorId ServiceNotReady = new(nameof(ServiceNotReady), ErrorKind.InvalidResult);
    public static readonly ErrorId UpgradeRolledBack = new(nameof(UpgradeRolledBack), ErrorKind.InvalidResult);
    public static readonly ErrorId RollbackFailed = new(nameof(RollbackFailed), ErrorKind.InvalidResult);
    public static readonly ErrorId BootstrapFailed = new(nameof(BootstrapFailed), ErrorKind.InvalidResult);
    public static readonly ErrorId NebulaNotFound = new(nameof(NebulaNotFound), ErrorKind.NotInstalled);
    public static readonly ErrorId LiteFSNotFound = new(nameof(LiteFSNotFound), ErrorKind.NotInstalled);
    public static readonly ErrorId DaemonNotApplied = new(nameof(DaemonNotApplied), ErrorKind.InvalidResult);
    public static readonly ErrorId ControlPlaneCredentialsMissing = new(nameof(ControlPlaneCredentialsMissing), ErrorKind.InvalidArgument);
    public static readonly ErrorId ControlPlaneUnavailable = new(nameof(ControlPlaneUnavailable), ErrorKind.ResourceUnavailable);
    public static readonly ErrorId ControlPlaneRequestFailed = new(nameof(ControlPlaneRequestFailed), ErrorKind.InvalidResult);
    public static readonly ErrorId RouteInvalid = new(nameof(RouteInvalid), ErrorKind.InvalidArgument);
    public static readonly ErrorId RouteNodeNotFound = new(nameof(RouteNodeNotFound), ErrorKind.ObjectNotFound);
    public static readonly ErrorId RouteNotPermitted = new(nameof(RouteNotPermitted), ErrorKind.PermissionDenied);
}

/// <summary>A failure the engines raise on purpose: carries a stable id and tells the operator what to do.</summary>
public sealed class NebulaGCException : Exception
{
    public NebulaGCException(ErrorId id, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        Id = id;
        Target = target;
    }

    public ErrorId Id { get; }

    /// <summary>The object the error is about (a path, a key), shown as the ErrorRecord's TargetObject.</summary>
    public object? Target { get; }
}
