using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Base of every NebulaGC cmdlet: turns engine failures into ErrorRecords with stable ids and categories,
/// turns StopProcessing (Ctrl+C) into cancellation, and gives engines an <see cref="IReporter"/>.
/// </summary>
public abstract class NebulaGCCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when the pipeline is stopped.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    /// <summary>Cmdlet work; runs once per pipeline input.</summary>
    protected abstract void ProcessRecordCore();

    protected sealed override void ProcessRecord() => RunGuarded(ProcessRecordCore);

    /// <summary>Runs cmdlet work with the error mapping (for work done in EndProcessing, too).</summary>
    protected void RunGuarded(Action work)
    {
        try
        {
            work();
        }
        catch (NebulaGCException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, e.Id.Name, Category(e.Id.Kind), e.Target));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>The one map from engine error kinds to PowerShell categories.</summary>
    internal static ErrorCategory Category(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.InvalidData => ErrorCategory.InvalidData,
        ErrorKind.WriteError => ErrorCategory.WriteError,
        ErrorKind.NotInstalled => ErrorCategory.NotInstalled,
        ErrorKind.InvalidResult => ErrorCategory.InvalidResult,
        ErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
        ErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        ErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
        ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>An <see cref="IReporter"/> that speaks through this cmdlet.</summary>
    protected IReporter Reporter => new CmdletReporter(this);

    private sealed class CmdletReporter(NebulaGCCmdlet cmdlet) : IReporter
    {
        public void Verbose(string message) => cmdlet.WriteVerbose(message);

        public void Warning(string message) => cmdlet.WriteWarning(message);

        public bool ShouldProcess(string target, string action)
        {
            cmdlet._stopping.Token.ThrowIfCancellationRequested();
            return cmdlet.ShouldProcess(target, action);
        }

        public void Progress(string activity, string status, int percent) =>
            cmdlet.WriteProgress(new ProgressRecord(1, activity, status)
            {
                PercentComplete = Math.Clamp(percent, 0, 100),
                RecordType = percent >= 100 ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            });
    }
}
