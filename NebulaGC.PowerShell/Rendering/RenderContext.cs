namespace NebulaGC.PowerShell.Rendering;

/// <summary>What every render engine needs: the templates, the settings, and someone to tell.</summary>
public sealed class RenderContext(TemplateEngine templates, DeploymentSettings settings, IReporter reporter)
{
    public static readonly int ModePublic = Convert.ToInt32("644", 8);
    public static readonly int ModeSecret = Convert.ToInt32("600", 8);

    public DeploymentSettings Settings { get; } = settings;

    public IReporter Reporter { get; } = reporter;

    /// <summary>Renders one template into one file; YAML output is re-parsed before anyone sees it.</summary>
    public RenderedFile Render(string template, string relativePath, string kind, int? mode = null,
        IReadOnlyDictionary<string, object?>? variables = null, bool createOnly = false)
    {
        Reporter.Verbose($"rendering {template} -> {relativePath}");
        var content = templates.Render(template, Settings, variables);
        if (relativePath.EndsWith(".yml", StringComparison.Ordinal) || relativePath.EndsWith(".yaml", StringComparison.Ordinal))
        {
            YamlCheck.Parse(content, $"{relativePath} (from template {template})");
        }
        return new RenderedFile
        {
            RelativePath = relativePath,
            Kind = kind,
            Content = content,
            UnixMode = mode ?? ModePublic,
            CreateOnly = createOnly,
        };
    }
}
