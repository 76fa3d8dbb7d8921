using System.Management.Automation;
using NebulaGC.PowerShell.Validation;

namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Test-NebulaGCDeployment: runs the real validators over a rendered directory and reports per file. A CI gate: when
/// any check fails it writes a DeploymentCheckFailed error after the results, so `pwsh -c` exits 1 and
/// -ErrorAction Stop throws.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "NebulaGCDeployment")]
[OutputType(typeof(ValidationResult), typeof(string))]
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

    /// <summary>Object (default), Json or JUnit (XML for CI test reports).</summary>
    [Parameter]
    public ValidationOutputFormat OutputFormat { get; set; } = ValidationOutputFormat.Object;

    /// <summary>Also write the Json or JUnit report to this file (before the failure error, so CI keeps it).</summary>
    [Parameter]
    public string? ReportPath { get; set; }

    private readonly List<ValidationResult> _results = [];
    private string _root = "";

    protected override void ProcessRecordCore()
    {
        var dir = GetUnresolvedProviderPathFromPSPath(Path);
        _root = _root.Length == 0 ? (Directory.Exists(dir) ? dir : System.IO.Path.GetDirectoryName(dir)!) : _root;
        var results = new DeploymentValidator(Reporter).Validate(new ValidationRequest(dir, ServerMaxExposure, DaemonMaxExposure), StopToken);
        _results.AddRange(results);
        if (OutputFormat == ValidationOutputFormat.Object)
        {
            WriteObject(results, enumerateCollection: true);
        }
    }

    protected override void EndProcessing() => RunGuarded(() =>
    {
        var report = OutputFormat switch
        {
            ValidationOutputFormat.Json => ValidationReport.Json(_results),
            ValidationOutputFormat.JUnit => ValidationReport.JUnit(_results, _root),
            _ => null,
        };
        if (report is not null)
        {
            if (ReportPath is not null)
            {
                File.WriteAllText(GetUnresolvedProviderPathFromPSPath(ReportPath), report);
            }
            WriteObject(report);
        }
        var failed = _results.Where(r => r.Status == ValidationStatus.Failed).ToList();
        WriteVerbose($"{_results.Count} check(s): {_results.Count(r => r.Status == ValidationStatus.Passed)} passed, "
            + $"{_results.Count(r => r.Status == ValidationStatus.Skipped)} skipped, {failed.Count} failed");
        if (failed.Count > 0)
        {
            var e = new NebulaGCException(ErrorIds.DeploymentCheckFailed,
                $"{failed.Count} of {_results.Count} deployment check(s) failed: "
                + string.Join("; ", failed.Select(f => $"{f.Validator} {f.Path}")), _root);
            WriteError(new ErrorRecord(e, e.Id.Name, Category(e.Id.Kind), _root));
        }
    });
}
