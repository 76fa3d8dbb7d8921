namespace NebulaGC.PowerShell.Rendering;

/// <summary>What happened to a rendered file. Strings, so the objects serialize (ConvertTo-Json) with names.</summary>
public static class RenderStatus
{
    /// <summary>Only rendered (no -Path).</summary>
    public const string Rendered = nameof(Rendered);
    public const string Created = nameof(Created);
    public const string Updated = nameof(Updated);
    /// <summary>The file already had exactly this content (and mode).</summary>
    public const string Unchanged = nameof(Unchanged);
    /// <summary>A create-only file (a generated secret) that exists and was left alone.</summary>
    public const string Kept = nameof(Kept);
    /// <summary>-WhatIf or a "no" to -Confirm.</summary>
    public const string Skipped = nameof(Skipped);
}

/// <summary>One file a render cmdlet produced. PSTypeName: NebulaGC.PowerShell.Rendering.RenderedFile.</summary>
public sealed class RenderedFile
{
    /// <summary>Path relative to the output directory, with '/' separators.</summary>
    public required string RelativePath { get; init; }

    /// <summary>Full path written to under -Path; without -Path the relative path.</summary>
    public string Path { get; set; } = "";

    /// <summary>What the file is for: SystemdUnit, EnvFile, K8sManifest, Kustomization, LitestreamConfig, ...</summary>
    public required string Kind { get; init; }

    public required string Content { get; init; }

    /// <summary>Unix mode bits the file is written with (0600 for anything holding or pointing at secrets).</summary>
    internal int UnixMode { get; init; } = Convert.ToInt32("644", 8);

    /// <summary>The mode as octal text, e.g. "0600".</summary>
    public string Mode => Convert.ToString(UnixMode, 8).PadLeft(4, '0');

    /// <summary>A generated secret: created once, never overwritten, so re-running a render changes no byte.</summary>
    public bool CreateOnly { get; init; }

    /// <summary>One of <see cref="RenderStatus"/>.</summary>
    public string Status { get; set; } = RenderStatus.Rendered;

    /// <summary>With -WhatIf: the unified diff of what would change in the file; otherwise empty.</summary>
    public string Diff { get; set; } = "";

    public override string ToString() => Path;
}
