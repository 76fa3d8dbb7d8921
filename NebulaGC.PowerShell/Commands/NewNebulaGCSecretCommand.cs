using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>New-NebulaGCSecret: a cryptographically random HMAC secret or admin token, as an env file, file, Docker secret or Kubernetes Secret.</summary>
[Cmdlet(VerbsCommon.New, "NebulaGCSecret", SupportsShouldProcess = true)]
[OutputType(typeof(RenderedFile))]
public sealed class NewNebulaGCSecretCommand : RenderCmdletBase
{
    [Parameter]
    [RenderInput]
    public SecretKind Kind { get; set; } = SecretKind.HmacSecret;

    [Parameter]
    [RenderInput]
    public SecretFormat Format { get; set; } = SecretFormat.EnvFile;

    [Parameter]
    public string? Namespace { get; set; }

    /// <summary>Replace an existing secret file (rotation). Without it an existing file is kept.</summary>
    [Parameter]
    [RenderInput]
    public SwitchParameter Force { get; set; }

    protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context) =>
        SecretRenderer.Render(context, Kind, Format, Force);
}
