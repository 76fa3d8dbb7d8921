using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Tests;

/// <summary>What the toolkit tests share: render contexts, writing rendered files, and the tools build.ps1 installs.</summary>
public static class Toolkit
{
    /// <summary>npm tools installed by build.ps1 Test (build/ToolkitPrerequisites.ps1).</summary>
    public static string NpmModules => RepositoryPaths.Combine("out", "tools", "npm", "node_modules");

    /// <summary>The litestream binary shipped by the npm package @flydotio/litestream-linux-x64.</summary>
    public static string LitestreamBinary => Path.Combine(NpmModules, "@flydotio", "litestream-linux-x64", "litestream");

    /// <summary>A render context over <paramref name="settings"/> (defaults when null), recording what it reports.</summary>
    public static RenderContext Context(DeploymentSettings? settings = null, string? templateDir = null, IReporter? reporter = null)
    {
        reporter ??= new RecordingReporter();
        return new RenderContext(new TemplateEngine(templateDir, reporter), settings ?? new DeploymentSettings(), reporter);
    }

    /// <summary>Writes the files under <paramref name="dir"/> and returns them.</summary>
    public static IReadOnlyList<RenderedFile> WriteTo(string dir, IReadOnlyList<RenderedFile> files)
    {
        ArtifactWriter.WriteAll(dir, files, new RecordingReporter());
        return files;
    }
}
