using System.Management.Automation;
using System.Reflection;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Shared parameters and flow of the New-NebulaGC* render cmdlets: settings = defaults, then each -ValuesPath, each
/// -Set, then the bound parameters that name a setting; render; refuse (parameters, -Set) or list (values files)
/// settings the render did not use; write under -Path (or emit the files when -Path is absent).
/// </summary>
public abstract class RenderCmdletBase : SettingsCmdletBase
{
    /// <summary>Output directory. Without it the rendered files are written to the pipeline and nothing is written to disk.</summary>
    [Parameter(Position = 0)]
    [RenderInput]
    public string? Path { get; set; }

    /// <summary>Also emit the file objects when writing under -Path.</summary>
    [Parameter]
    [RenderInput]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Delete files under -Path that an earlier render of this cmdlet wrote and this one no longer produces.</summary>
    [Parameter]
    [RenderInput]
    public SwitchParameter Prune { get; set; }

    /// <summary>Builds the files to write from the settings (the engine call).</summary>
    protected abstract IReadOnlyList<RenderedFile> RenderFiles(RenderContext context);

    /// <summary>
    /// Template folders whose files this cmdlet alone writes into its output directory, in any of its variants: the
    /// files -Prune may remove. Empty for cmdlets whose variants share a directory (systemd components, load-balancer kinds).
    /// </summary>
    protected virtual IReadOnlyList<string> TemplateFolders => [];

    /// <summary>The reporter file writes and removals ask; a cmdlet may demand more confirmation for some.</summary>
    protected virtual IReporter WriteReporter => Reporter;

    protected override void ProcessRecordCore()
    {
        var binder = BindSettings();
        var context = new RenderContext(new TemplateEngine(TemplateDirectory, Reporter), binder.Settings, Reporter);
        binder.Settings.ForgetReads();
        var files = RenderFiles(context);
        CheckAllUsed(binder);
        if (Path is null)
        {
            foreach (var file in files)
            {
                file.Path = file.RelativePath;
            }
            WriteObject(files, enumerateCollection: true);
            return;
        }
        var outputDir = GetUnresolvedProviderPathFromPSPath(Path);
        WriteVerbose($"writing {files.Count} file(s) under {outputDir}");
        ArtifactWriter.WriteAll(outputDir, files, WriteReporter);
        foreach (var file in files.Where(f => f.Diff.Length > 0))
        {
            WriteInformation(new HostInformationMessage { Message = file.Diff }, ["PSHOST"]);
        }
        var changed = files.Count(f => f.Status is RenderStatus.Created or RenderStatus.Updated);
        WriteVerbose($"{changed} file(s) written, {files.Count - changed} unchanged, kept or skipped");
        Leftovers.Handle(outputDir, files, TemplateFolders, Prune, WriteReporter);
        if (PassThru)
        {
            WriteObject(files, enumerateCollection: true);
        }
    }

    /// <summary>
    /// A setting given on the command line (parameter, -Set) that the render never read is an error; one from a
    /// values file (shared by several renders) is a warning that lists it. Values equal to the default are harmless.
    /// </summary>
    private void CheckAllUsed(SettingsBinder binder)
    {
        var unread = binder.Given.Where(g => !binder.Settings.ReadSettings.Contains(g.Key)).ToList();
        var defaults = new DeploymentSettings();
        var unused = unread.Where(g => !SameValue(typeof(DeploymentSettings).GetProperty(g.Key)!, binder.Settings, defaults))
            .Select(g => (Key: ValuesSchema.ForProperty(g.Key)!.Key, Location: g.Value)).OrderBy(u => u.Key, StringComparer.Ordinal).ToList();
        var what = $"{MyInvocation.MyCommand.Name}{Variant(binder.Settings)}";
        var fromCommandLine = unused.Where(u => u.Location.Line == 0).ToList();
        if (fromCommandLine.Count > 0)
        {
            throw new NebulaGCException(ErrorIds.SettingNotUsed,
                $"{what} does not use {string.Join(", ", fromCommandLine.Select(u => $"{u.Key} (from {u.Location})"))}: remove it or pick the topology, component or platform that uses it",
                fromCommandLine[0].Key);
        }
        if (unused.Count > 0)
        {
            WriteWarning($"{what} ignores these values: {string.Join(", ", unused.Select(u => $"{u.Key} ({u.Location})"))}");
        }
    }

    /// <summary>Selector text for messages, e.g. " -Topology Single".</summary>
    protected virtual string Variant(DeploymentSettings settings) => "";

    private static bool SameValue(PropertyInfo property, DeploymentSettings a, DeploymentSettings b)
    {
        var x = property.GetValue(a);
        var y = property.GetValue(b);
        return x is System.Collections.ICollection cx && y is System.Collections.ICollection cy ? cx.Count == 0 && cy.Count == 0 : Equals(x, y);
    }
}
