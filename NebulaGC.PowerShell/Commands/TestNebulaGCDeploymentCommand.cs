using System.Management.Automation;
using NebulaGC.PowerShell.Validation;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Test-NebulaGCDeployment: runs the real validators over a rendered directory and reports per file.</summary>
[Cmdlet(VerbsDiagnostic.Test, "NebulaGCDeployment")]
[OutputType(typeof(ValidationResult))]
public sealed class TestNebulaGCDeploymentCommand : NebulaGCCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    [Parameter]
    [ValidateRange(0.0, 10.0)]
    public double ServerMaxExposure { get; set; } = 1.5;

    [Parameter]
    [ValidateRange(0.0, 10.0)]
    public double DaemonMaxExposure { get; set; } = 2.0;

    protected override void ProcessRecordCore()
    {
        var dir = GetUnresolvedProviderPathFromPSPath(Path);
        var results = new DeploymentValidator(Reporter).Validate(new ValidationRequest(dir, ServerMaxExposure, DaemonMaxExposure), StopToken);
        WriteObject(results, enumerateCollection: true);
        var failed = results.Count(r => r.Status == ValidationStatus.Failed);
        WriteVerbose($"{results.Count} check(s): {results.Count - failed} passed or skipped, {failed} failed");
    }
}
