using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Commands;

/// <summary>
/// Cmdlets built on the one deployment model (render and install): settings = defaults, then -ValuesPath, then bound
/// parameters that name a setting; templates embedded or overridden by -TemplatePath.
/// </summary>
public abstract class SettingsCmdletBase : NebulaGCCmdlet
{
    /// <summary>A YAML (.yml/.yaml) or PowerShell data (.psd1) file of settings, like Helm values.</summary>
    [Parameter]
    [RenderInput]
    public string? ValuesPath { get; set; }

    /// <summary>A directory laid out like templates/ whose files replace the embedded templates of the same name.</summary>
    [Parameter]
    [RenderInput]
    public string? TemplatePath { get; set; }

    /// <summary>Prefix of every rendered object name.</summary>
    [Parameter]
    public string? Name { get; set; }

    /// <summary>-TemplatePath resolved against the current location, or null.</summary>
    protected string? TemplateDirectory => TemplatePath is null ? null : GetUnresolvedProviderPathFromPSPath(TemplatePath);

    /// <summary>Defaults, then the values file, then every bound parameter whose name is a setting.</summary>
    protected DeploymentSettings BuildSettings()
    {
        var settings = new DeploymentSettings();
        if (ValuesPath is not null)
        {
            var path = GetUnresolvedProviderPathFromPSPath(ValuesPath);
            WriteVerbose($"reading values from {path}");
            SettingsBinder.Apply(settings, LoadValues(path), $"values file '{path}'");
        }
        ApplyParameters(settings, GetType(),
            MyInvocation.BoundParameters.Select(p => KeyValuePair.Create(p.Key, Unwrap(p.Value))), WriteVerbose);
        return settings;
    }

    private static object? Unwrap(object? bound) => bound switch
    {
        SwitchParameter sw => sw.IsPresent,
        PSObject pso => pso.BaseObject,
        _ => bound,
    };

    /// <summary>
    /// Sets the setting each bound parameter names. A parameter that is neither a setting nor marked
    /// <see cref="RenderInputAttribute"/> is a bug in the cmdlet, reported instead of skipped.
    /// </summary>
    internal static void ApplyParameters(DeploymentSettings settings, Type cmdletType, IEnumerable<KeyValuePair<string, object?>> bound, Action<string> verbose)
    {
        foreach (var (name, value) in bound)
        {
            var parameter = cmdletType.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            if (parameter is null || parameter.GetCustomAttribute<ParameterAttribute>() is null || parameter.GetCustomAttribute<RenderInputAttribute>() is not null)
            {
                continue; // common parameters (-Verbose, -WhatIf) and render inputs
            }
            var property = SettingsBinder.FindProperty(typeof(DeploymentSettings), name)
                ?? throw new InvalidOperationException($"parameter -{name} of {cmdletType.Name} names no deployment setting and is not a render input");
            verbose($"setting {property.Name} from parameter -{name}");
            if (value is not null && property.PropertyType.IsInstanceOfType(value))
            {
                property.SetValue(settings, value);
            }
            else
            {
                // e.g. -LitestreamVersion '0.5' onto the LitestreamVersion enum: the values-file conversion rules apply.
                SettingsBinder.Apply(settings, new Hashtable { [property.Name] = value }, $"parameter -{name}");
            }
        }
    }

    private static IDictionary LoadValues(string path)
    {
        if (!System.IO.Path.GetExtension(path).Equals(".psd1", StringComparison.OrdinalIgnoreCase))
        {
            return SettingsBinder.LoadYaml(path);
        }
        if (!File.Exists(path))
        {
            throw new NebulaGCException(ErrorIds.ValuesFileNotFound, $"values file '{path}' does not exist", path);
        }
        // Same rules as Import-PowerShellDataFile: a data section only, nothing is executed.
        var ast = Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0)
        {
            throw new NebulaGCException(ErrorIds.ValuesFileInvalid, $"values file '{path}': {errors[0].Message} (line {errors[0].Extent.StartLineNumber})", path);
        }
        var hashtable = ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false) as HashtableAst
            ?? throw new NebulaGCException(ErrorIds.ValuesFileInvalid, $"values file '{path}' holds no hashtable", path);
        try
        {
            return ToPlain(hashtable.SafeGetValue()) as IDictionary
                ?? throw new NebulaGCException(ErrorIds.ValuesFileInvalid, $"values file '{path}' holds no hashtable", path);
        }
        catch (InvalidOperationException e)
        {
            throw new NebulaGCException(ErrorIds.ValuesFileInvalid, $"values file '{path}' may hold only constant data: {e.Message}", path, e);
        }
    }

    private static object? ToPlain(object? value) => value switch
    {
        PSObject pso => ToPlain(pso.BaseObject),
        IDictionary map => map.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => ToPlain(e.Value)),
        object[] items => items.Select(ToPlain).ToList(),
        _ => value,
    };
}
