using System.Management.Automation;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Shared parameters and flow of the New-NebulaGC* render cmdlets: settings = defaults, then -ValuesPath,
/// then bound parameters that name a setting; render; write under -Path (or emit the files when -Path is absent).
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

    /// <summary>Builds the files to write from the settings (the engine call).</summary>
    protected abstract IReadOnlyList<RenderedFile> RenderFiles(RenderContext context);

    protected override void ProcessRecordCore()
    {
        var settings = BuildSettings();
        var context = new RenderContext(new TemplateEngine(TemplateDirectory, Reporter), settings, Reporter);
        var files = RenderFiles(context);
        if (Path is null)
        {
            WriteObject(files, enumerateCollection: true);
            return;
        }
        var outputDir = GetUnresolvedProviderPathFromPSPath(Path);
        WriteVerbose($"writing {files.Count} file(s) under {outputDir}");
        ArtifactWriter.WriteAll(outputDir, files, Reporter);
        var changed = files.Count(f => f.Status is RenderStatus.Created or RenderStatus.Updated);
        WriteVerbose($"{changed} file(s) written, {files.Count - changed} unchanged, kept or skipped");
        if (PassThru)
        {
            WriteObject(files, enumerateCollection: true);
        }
    }
}
