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

    /// <summary>
    /// Replacing a secret (with -Force) invalidates every token signed with it: it is confirmed like a High-impact
    /// action (a prompt unless -Confirm:$false or $ConfirmPreference = 'None'), while creating one is not.
    /// </summary>
    protected override IReporter WriteReporter => new ReplaceConfirmingReporter(Reporter, this);

    private sealed class ReplaceConfirmingReporter(IReporter inner, NewNebulaGCSecretCommand cmdlet) : IReporter
    {
        public void Verbose(string message) => inner.Verbose(message);

        public void Warning(string message) => inner.Warning(message);

        public void Progress(string activity, string status, int percent) => inner.Progress(activity, status, percent);

        public bool ShouldProcess(string target, string action)
        {
            if (!inner.ShouldProcess(target, action))
            {
                return false;
            }
            if (!action.StartsWith("Update", StringComparison.Ordinal))
            {
                return true;
            }
            var bound = cmdlet.MyInvocation.BoundParameters;
            var confirm = bound.TryGetValue("Confirm", out var c) ? ((SwitchParameter)c).IsPresent : (bool?)null;
            if (confirm == false || (confirm is null && cmdlet.GetVariableValue("ConfirmPreference") is ConfirmImpact.None))
            {
                return true;
            }
            return cmdlet.ShouldContinue(
                $"Replacing the secret in {target} invalidates every token signed with the old one: every node must enroll again.",
                "Replace the secret?");
        }
    }

    protected override IReadOnlyList<RenderedFile> RenderFiles(RenderContext context) =>
        SecretRenderer.Render(context, Kind, Format, Force);
}
