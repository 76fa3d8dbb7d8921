using System.Text.Json;
using Scriban;
using Scriban.Runtime;

namespace NebulaGC.PowerShell.Rendering;

/// <summary>
/// Renders the Scriban templates of <c>templates/&lt;platform&gt;/</c>: embedded in the module, each one
/// overridable by a file at the same relative path under an override directory (-TemplatePath).
/// Variables are strict: a template naming a setting that does not exist fails instead of rendering "".
/// </summary>
public sealed class TemplateEngine
{
    private readonly string? _overrideDir;
    private readonly IReporter _reporter;

    public TemplateEngine(string? overrideDir, IReporter reporter)
    {
        if (!string.IsNullOrEmpty(overrideDir) && !Directory.Exists(overrideDir))
        {
            throw new NebulaGCException(ErrorIds.TemplateNotFound, $"template directory '{overrideDir}' does not exist", overrideDir);
        }
        _overrideDir = string.IsNullOrEmpty(overrideDir) ? null : overrideDir;
        _reporter = reporter;
    }

    /// <summary>Names of every embedded template, e.g. "systemd/nebulagc-server.service.scriban".</summary>
    public static IReadOnlyList<string> EmbeddedTemplates { get; } = typeof(TemplateEngine).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("templates/", StringComparison.Ordinal))
        .Select(n => n["templates/".Length..])
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The source text of a template: the override when there is one, else the embedded copy.</summary>
    public (string Text, string Origin) Load(string name)
    {
        if (_overrideDir is not null)
        {
            var candidate = Path.Combine(_overrideDir, name);
            if (File.Exists(candidate))
            {
                _reporter.Verbose($"template {name}: using override {candidate}");
                return (File.ReadAllText(candidate), candidate);
            }
        }
        using var stream = typeof(TemplateEngine).Assembly.GetManifestResourceStream("templates/" + name)
            ?? throw new NebulaGCException(ErrorIds.TemplateNotFound, $"no template named '{name}' is embedded in the module", name);
        using var reader = new StreamReader(stream);
        return (reader.ReadToEnd(), "embedded:" + name);
    }

    /// <summary>Renders template <paramref name="name"/> with the settings and extra variables.</summary>
    public string Render(string name, DeploymentSettings settings, IReadOnlyDictionary<string, object?>? variables = null)
    {
        var (text, origin) = Load(name);
        var template = Template.Parse(text, origin);
        if (template.HasErrors)
        {
            throw new NebulaGCException(ErrorIds.TemplateSyntaxError,
                $"template {origin} does not parse: {string.Join("; ", template.Messages.Select(m => m.ToString()))}", origin);
        }
        var globals = new ScriptObject();
        globals.Import(typeof(TemplateFunctions));
        globals["settings"] = settings;
        globals["version"] = ModuleInfo.Version;
        globals["template_name"] = name;
        if (variables is not null)
        {
            foreach (var (key, value) in variables)
            {
                // A Func is evaluated only where a template uses it, so settings behind it count as read only then.
                if (value is Func<object?> lazy)
                {
                    globals.Import(key, lazy);
                }
                else
                {
                    globals[key] = value;
                }
            }
        }
        var context = new TemplateContext { StrictVariables = true, LoopLimit = 10_000 };
        context.PushGlobal(globals);
        try
        {
            return template.Render(context).ReplaceLineEndings("\n");
        }
        catch (Scriban.Syntax.ScriptRuntimeException e)
        {
            throw new NebulaGCException(ErrorIds.TemplateRenderFailed, $"rendering template {origin}: {e.Message}", origin, e);
        }
    }

    /// <summary>Functions templates may call besides Scriban's built-ins.</summary>
    public static class TemplateFunctions
    {
        /// <summary>A double-quoted scalar valid in YAML and JSON: <c>{{ q settings.name }}</c>.</summary>
        public static string Q(object? value) => JsonSerializer.Serialize(value?.ToString() ?? "");

        /// <summary>Lower-case text of a value (enums render as their name).</summary>
        public static string Lower(object? value) => (value?.ToString() ?? "").ToLowerInvariant();
    }
}
