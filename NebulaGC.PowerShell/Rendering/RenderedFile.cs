namespace NebulaGC.PowerShell.Rendering;

/// <summary>What happened to a rendered file.</summary>
public enum RenderStatus
{
    /// <summary>Only rendered (no -Path).</summary>
    Rendered,
    Created,
    Updated,
    /// <summary>The file already had exactly this content (and mode).</summary>
    Unchanged,
    /// <summary>A create-only file (a generated secret) that exists and was left alone.</summary>
    Kept,
    /// <summary>-WhatIf or a "no" to -Confirm.</summary>
    Skipped,
}

/// <summary>One file a render cmdlet produced. PSTypeName: NebulaGC.PowerShell.Rendering.RenderedFile.</summary>
public sealed class RenderedFile
{
    /// <summary>Path relative to the output directory, with '/' separators.</summary>
    public required string RelativePath { get; init; }

    /// <summary>Full path written to; empty when nothing was written (no -Path).</summary>
    public string Path { get; set; } = "";

    /// <summary>What the file is for: SystemdUnit, EnvFile, K8sManifest, Kustomization, LitestreamConfig, ...</summary>
    public required string Kind { get; init; }

    public required string Content { get; init; }

    /// <summary>Unix mode the file is written with (0600 for anything holding or pointing at secrets).</summary>
    public int Mode { get; init; } = Convert.ToInt32("644", 8);

    /// <summary>A generated secret: created once, never overwritten, so re-running a render changes no byte.</summary>
    public bool CreateOnly { get; init; }

    public RenderStatus Status { get; set; } = RenderStatus.Rendered;

    public string ModeText => Convert.ToString(Mode, 8).PadLeft(4, '0');

    public override string ToString() => string.IsNullOrEmpty(Path) ? RelativePath : Path;
}
