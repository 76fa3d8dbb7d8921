using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>Get-NebulaGCValues: the full default values file with a comment per key, like `helm show values`.</summary>
[Cmdlet(VerbsCommon.Get, "NebulaGCValues")]
[OutputType(typeof(string))]
public sealed class GetNebulaGCValuesCommand : NebulaGCCmdlet
{
    protected override void ProcessRecordCore() => WriteObject(ValuesDocument.Render());
}
